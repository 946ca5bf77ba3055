package dev.dolly.agent.refresh;

import dev.dolly.agent.masking.ColumnType;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the refresh needs to know about the source database, read inside the exported snapshot
 * (so it matches the data): tables and their columns with resolved types, single-column unique
 * keys, foreign keys, sequences, large objects and extensions (with their versions). Queries
 * work on PostgreSQL 12 to 18; where the catalogs differ between majors the query is chosen by
 * the server's version ({@link #generatedColumn}), never by trying and catching.
 */
public final class Catalog {

    /** A column of a table, generated and dropped columns included (dropped ones are never listed). */
    public record Column(String name, int attnum, ColumnType type, boolean notNull, boolean generated) {}

    /**
     * A table. {@code relkind} 'r' (has rows) or 'p' (partitioned parent, no rows of its own);
     * {@code root} is the top of its partition tree ({@code schema.table}; itself when not a partition).
     */
    public record Table(long oid, String schema, String name, char relkind, String root, long bytes, double reltuples,
                        List<Column> columns, Set<String> uniqueColumns) {
        public String qualified() {
            return schema + "." + name;
        }

        public boolean hasRows() {
            return relkind == 'r';
        }

        public Column column(String n) {
            for (Column c : columns) {
                if (c.name().equals(n)) {
                    return c;
                }
            }
            return null;
        }
    }

    /** A foreign key (declared on the table itself, not cloned onto partitions). */
    public record ForeignKey(String name, String table, List<String> columns, String refTable, List<String> refColumns) {}

    private final List<Table> tables;
    private final Map<String, Table> byName;
    private final List<ForeignKey> foreignKeys;
    private final List<String> sequences;
    private final long largeObjects;
    private final Map<String, String> extensions;

    Catalog(List<Table> tables, List<ForeignKey> foreignKeys, List<String> sequences, long largeObjects, Map<String, String> extensions) {
        this.tables = List.copyOf(tables);
        this.byName = new LinkedHashMap<>();
        for (Table t : tables) {
            byName.put(t.qualified(), t);
        }
        this.foreignKeys = List.copyOf(foreignKeys);
        this.sequences = List.copyOf(sequences);
        this.largeObjects = largeObjects;
        this.extensions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    public List<Table> tables() {
        return tables;
    }

    public Table table(String qualified) {
        return byName.get(qualified);
    }

    public List<ForeignKey> foreignKeys() {
        return foreignKeys;
    }

    /** {@code schema.sequence}, every sequence (owned or identity included). */
    public List<String> sequences() {
        return sequences;
    }

    public long largeObjects() {
        return largeObjects;
    }

    public List<String> extensions() {
        return List.copyOf(extensions.keySet());
    }

    /** Extension name → installed version on the source. */
    public Map<String, String> extensionVersions() {
        return extensions;
    }

    /** Tables with rows (plain tables and leaf partitions). */
    public List<Table> dataTables() {
        return tables.stream().filter(Table::hasRows).toList();
    }

    private static final String SYSTEM = "n.nspname NOT IN ('pg_catalog', 'information_schema') "
            + "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

    private static final String NOT_EXTENSION_MEMBER = "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
            + "WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')";

    /**
     * Whether a {@code pg_attribute} row (alias {@code a}) is a generated column: stored ones
     * ({@code 's'}) since 12, virtual ones ({@code 'v'}, the default kind) since 18. Neither is
     * copied: the target computes them.
     */
    static String generatedColumn(int versionNum) {
        return versionNum >= 180000 ? "a.attgenerated IN ('s', 'v')" : "a.attgenerated = 's'";
    }

    /** Read the catalog of a server of {@code versionNum}; {@code c} should be inside the snapshot's transaction. */
    public static Catalog read(Connection c, RefreshOptions opts, int versionNum) throws SQLException {
        Map<Long, TypeRow> types = types(c);
        List<Table> tables = new ArrayList<>();
        Map<Long, Integer> index = new HashMap<>();
        String sql = "SELECT c.oid, n.nspname, c.relname, c.relkind::text, "
                + "COALESCE(pg_catalog.pg_partition_root(c.oid), c.oid)::oid AS root, "
                + "pg_catalog.pg_table_size(c.oid) AS bytes, c.reltuples "
                + "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE c.relkind IN ('r', 'p') AND " + SYSTEM + " AND " + NOT_EXTENSION_MEMBER + " ORDER BY n.nspname, c.relname";
        Map<Long, String> names = new HashMap<>();
        Map<Long, Long> roots = new HashMap<>();
        List<Object[]> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                long oid = rs.getLong(1);
                String schema = rs.getString(2);
                String name = rs.getString(3);
                if (!included(schema, name, opts)) {
                    continue;
                }
                names.put(oid, schema + "." + name);
                roots.put(oid, rs.getLong(5));
                rows.add(new Object[] {oid, schema, name, rs.getString(4).charAt(0), rs.getLong(6), rs.getDouble(7)});
            }
        }
        Map<Long, List<Column>> columns = columns(c, types, names.keySet(), versionNum);
        Map<Long, Set<String>> unique = uniqueColumns(c, names.keySet());
        for (Object[] r : rows) {
            long oid = (Long) r[0];
            String root = names.getOrDefault(roots.get(oid), names.get(oid));
            index.put(oid, tables.size());
            tables.add(new Table(oid, (String) r[1], (String) r[2], (Character) r[3], root, (Long) r[4], (Double) r[5],
                    columns.getOrDefault(oid, List.of()), unique.getOrDefault(oid, Set.of())));
        }
        List<ForeignKey> fks = foreignKeys(c, names);
        List<String> seqs = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE c.relkind = 'S' AND " + SYSTEM + " AND " + NOT_EXTENSION_MEMBER + " ORDER BY 1, 2")) {
            while (rs.next()) {
                if (included(rs.getString(1), rs.getString(2), opts)) {
                    seqs.add(rs.getString(1) + "." + rs.getString(2));
                }
            }
        }
        long los;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_catalog.pg_largeobject_metadata")) {
            rs.next();
            los = rs.getLong(1);
        }
        Map<String, String> exts = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT extname, extversion FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql' ORDER BY 1")) {
            while (rs.next()) {
                exts.put(rs.getString(1), rs.getString(2));
            }
        }
        return new Catalog(tables, fks, seqs, los, exts);
    }

    static boolean included(String schema, String name, RefreshOptions o) {
        if (!o.schemas().isEmpty() && !o.schemas().contains(schema)) {
            return false;
        }
        if (o.excludeSchemas().contains(schema)) {
            return false;
        }
        return !o.excludeTables().contains(schema + "." + name) && !(schema.equals("public") && o.excludeTables().contains(name));
    }

    private record TypeRow(String name, char typtype, long base, long elem, char category, int typmod) {}

    private static Map<Long, TypeRow> types(Connection c) throws SQLException {
        Map<Long, TypeRow> m = new HashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT oid, typname, typtype::text, typbasetype, typelem, typcategory::text, typtypmod FROM pg_catalog.pg_type")) {
            while (rs.next()) {
                m.put(rs.getLong(1), new TypeRow(rs.getString(2), rs.getString(3).charAt(0), rs.getLong(4), rs.getLong(5),
                        rs.getString(6).charAt(0), rs.getInt(7)));
            }
        }
        return m;
    }

    /** Resolve domains down to their base type; then arrays to their (domain-resolved) element. */
    static ColumnType resolve(Map<Long, TypeRow> types, long typeOid, int typmod, String sqlType) {
        TypeRow t = types.get(typeOid);
        int mod = typmod;
        for (int guard = 0; t != null && t.typtype == 'd' && guard < 20; guard++) {
            if (mod < 0) {
                mod = t.typmod;
            }
            t = types.get(t.base);
        }
        if (t == null) {
            return new ColumnType(sqlType, ColumnType.Family.OTHER, false, -1);
        }
        boolean array = t.category == 'A' && t.elem != 0;
        if (array) {
            t = types.get(t.elem);
            for (int guard = 0; t != null && t.typtype == 'd' && guard < 20; guard++) {
                t = types.get(t.base);
            }
            if (t == null) {
                return new ColumnType(sqlType, ColumnType.Family.OTHER, true, -1);
            }
        }
        ColumnType.Family f = ColumnType.familyOf(t.name);
        int max = -1;
        if ((t.name.equals("varchar") || t.name.equals("bpchar")) && mod > 4) {
            max = mod - 4;
        }
        return new ColumnType(sqlType, f, array, max);
    }

    private static Map<Long, List<Column>> columns(Connection c, Map<Long, TypeRow> types, Set<Long> oids, int versionNum)
            throws SQLException {
        Map<Long, List<Column>> m = new HashMap<>();
        if (oids.isEmpty()) {
            return m;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT a.attrelid, a.attnum, a.attname, a.atttypid, a.atttypmod, "
                        + "pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, " + generatedColumn(versionNum) + " "
                        + "FROM pg_catalog.pg_attribute a WHERE a.attrelid = ANY (?) AND a.attnum > 0 AND NOT a.attisdropped "
                        + "ORDER BY a.attrelid, a.attnum")) {
            ps.setArray(1, c.createArrayOf("oid", oids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ColumnType type = resolve(types, rs.getLong(4), rs.getInt(5), rs.getString(6));
                    m.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                            .add(new Column(rs.getString(3), rs.getInt(2), type, rs.getBoolean(7), rs.getBoolean(8)));
                }
            }
        }
        return m;
    }

    /** Columns that alone form a unique index (primary keys included; partial unique indexes count too). */
    private static Map<Long, Set<String>> uniqueColumns(Connection c, Set<Long> oids) throws SQLException {
        Map<Long, Set<String>> m = new HashMap<>();
        if (oids.isEmpty()) {
            return m;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT i.indrelid, a.attname FROM pg_catalog.pg_index i "
                        + "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
                        + "WHERE i.indisunique AND i.indnkeyatts = 1 AND i.indexprs IS NULL AND i.indrelid = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("oid", oids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    m.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(rs.getString(2));
                }
            }
        }
        return m;
    }

    private static List<ForeignKey> foreignKeys(Connection c, Map<Long, String> names) throws SQLException {
        List<ForeignKey> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT con.conname, con.conrelid, con.confrelid, "
                        + "ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o) "
                        + "      JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o), "
                        + "ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, o) "
                        + "      JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o) "
                        + "FROM pg_catalog.pg_constraint con WHERE con.contype = 'f' AND con.conparentid = 0")) {
            while (rs.next()) {
                String t = names.get(rs.getLong(2));
                String r = names.get(rs.getLong(3));
                if (t == null || r == null) {
                    continue;
                }
                out.add(new ForeignKey(rs.getString(1), t, strings(rs.getArray(4)), r, strings(rs.getArray(5))));
            }
        }
        return out;
    }

    private static List<String> strings(Array a) throws SQLException {
        List<String> out = new ArrayList<>();
        for (Object o : (Object[]) a.getArray()) {
            out.add((String) o);
        }
        return out;
    }
}
