package dev.dolly.agent.check;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The user relations (tables, partitioned tables, materialized views) that exist before the migration: their name,
 * kind, size and relfilenode. Locks on relations the migration creates are invisible to anyone else and are not
 * reported.
 */
public final class Relations {
    /** One relation: {@code key} as reports name it ({@code orders}, {@code sales.orders}), quoted for SQL in {@code sql}. */
    public record Rel(long oid, String key, String sql, char kind, long bytes, long relfilenode) {}

    private final Map<Long, Rel> byOid;

    private Relations(Map<Long, Rel> byOid) {
        this.byOid = byOid;
    }

    static final String SELECT = """
            SELECT c.oid, n.nspname, c.relname, c.relkind::text, pg_total_relation_size(c.oid), c.relfilenode
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'dolly_check')
              AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'""";

    public static Relations load(Connection c) throws SQLException {
        Map<Long, Rel> m = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(SELECT); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String schema = rs.getString(2);
                String name = rs.getString(3);
                String key = schema.equals("public") ? name : schema + "." + name;
                m.put(rs.getLong(1), new Rel(rs.getLong(1), key, SqlNames.qualified(schema, name), rs.getString(4).charAt(0),
                        rs.getLong(5), rs.getLong(6)));
            }
        }
        return new Relations(m);
    }

    public Rel get(long oid) {
        return byOid.get(oid);
    }

    public Rel byKey(String key) {
        return byOid.values().stream().filter(r -> r.key().equals(key)).findFirst().orElse(null);
    }

    public Long[] oids() {
        return byOid.keySet().toArray(new Long[0]);
    }
}
