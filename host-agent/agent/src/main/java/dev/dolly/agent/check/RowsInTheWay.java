package dev.dolly.agent.check;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For a data-dependent failure, how many rows are in the way — never which: duplicates behind a unique index
 * (23505), nulls behind {@code SET NOT NULL} or a new {@code NOT NULL} column (23502), rows violating a constraint
 * being validated (23514, 23503). Counted on the data as it was before the failing transaction; names in the SQL
 * it builds are the statement's plain column names (anything else is not counted) or the catalog's, quoted.
 */
public final class RowsInTheWay {
    private static final int F = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    private static final String N = SqlNames.NAME;
    private static final Pattern UNIQUE_INDEX = Pattern.compile(
            "^CREATE\\s+UNIQUE\\s+INDEX\\s+(?:CONCURRENTLY\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:" + N + "\\s+)?ON\\s+(?:ONLY\\s+)?(" + N
            + ")\\s*(?:USING\\s+\\w+\\s*)?\\(([^()]*)\\)\\s*$", F);
    private static final Pattern ADD_UNIQUE = Pattern.compile(
            "^ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?(" + N + ").*?\\b(?:UNIQUE|PRIMARY\\s+KEY)\\s*\\(([^()]*)\\)", F);
    private static final Pattern SET_NOT_NULL = Pattern.compile(
            "^ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?(" + N + ")\\s+ALTER\\s+(?:COLUMN\\s+)?(" + N + ")\\s+SET\\s+NOT\\s+NULL", F);
    private static final Pattern ADD_NOT_NULL = Pattern.compile(
            "^ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?(" + N + ")\\s+ADD\\s+.*\\bNOT\\s+NULL\\b", F);
    private static final Pattern VALIDATE = Pattern.compile(
            "^ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?(" + N + ")\\s+VALIDATE\\s+CONSTRAINT\\s+(" + N + ")", F);

    private RowsInTheWay() {}

    /** The count, or null when the failure is not data-dependent or its shape is not one this knows. */
    public static Long count(Connection c, String sqlstate, SqlStatement s, Relations rels) {
        if (sqlstate == null) {
            return null;
        }
        String sh = s.shape();
        try {
            Matcher m;
            if (sqlstate.equals("23505") && ((m = UNIQUE_INDEX.matcher(sh)).find() || (m = ADD_UNIQUE.matcher(sh)).find())) {
                Relations.Rel r = rels.byKey(SqlNames.key(m.group(1)));
                List<String> cols = columns(m.group(2));
                if (r == null || cols == null) {
                    return null;
                }
                String list = String.join(", ", cols);
                String notNull = String.join(" AND ", cols.stream().map(x -> x + " IS NOT NULL").toList());
                return one(c, "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM " + r.sql() + " WHERE " + notNull
                        + " GROUP BY " + list + " HAVING count(*) > 1) d");
            }
            if (sqlstate.equals("23502") && (m = SET_NOT_NULL.matcher(sh)).find()) {
                Relations.Rel r = rels.byKey(SqlNames.key(m.group(1)));
                List<String> cols = columns(m.group(2));
                if (r == null || cols == null) {
                    return null;
                }
                try {
                    return one(c, "SELECT count(*) FROM " + r.sql() + " WHERE " + cols.get(0) + " IS NULL");
                } catch (SQLException e) {
                    if (!"42703".equals(e.getSQLState())) {
                        throw e;
                    }
                    // the column was added earlier in the failed transaction, without a default: every row is null
                    return one(c, "SELECT count(*) FROM " + r.sql());
                }
            }
            if (sqlstate.equals("23502") && (m = ADD_NOT_NULL.matcher(sh)).find()) {
                Relations.Rel r = rels.byKey(SqlNames.key(m.group(1)));
                return r == null ? null : one(c, "SELECT count(*) FROM " + r.sql());
            }
            if ((sqlstate.equals("23514") || sqlstate.equals("23503")) && (m = VALIDATE.matcher(sh)).find()) {
                Relations.Rel r = rels.byKey(SqlNames.key(m.group(1)));
                List<String> name = SqlNames.parts(m.group(2));
                return r == null || name.size() != 1 ? null : violating(c, r, name.get(0));
            }
        } catch (SQLException e) {
            return null;
        }
        return null;
    }

    /** Plain column names, quoted; null when the list holds an expression. */
    static List<String> columns(String list) {
        List<String> out = new ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.trim();
            if (!p.matches(SqlNames.PART)) {
                return null;
            }
            out.add(SqlNames.quote(SqlNames.parts(p).get(0)));
        }
        return out.isEmpty() ? null : out;
    }

    private static Long violating(Connection c, Relations.Rel r, String constraint) throws SQLException {
        String type;
        String def;
        long ref;
        Array2 cols;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT contype::text, pg_get_constraintdef(oid), confrelid,
                       ARRAY(SELECT attname FROM unnest(conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = conrelid AND a.attnum = k.n ORDER BY i),
                       ARRAY(SELECT attname FROM unnest(confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = confrelid AND a.attnum = k.n ORDER BY i)
                FROM pg_constraint WHERE conrelid = ? AND conname = ?""")) {
            ps.setLong(1, r.oid());
            ps.setString(2, constraint);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                type = rs.getString(1);
                def = rs.getString(2);
                ref = rs.getLong(3);
                cols = new Array2((String[]) rs.getArray(4).getArray(), rs.getArray(5) == null ? new String[0] : (String[]) rs.getArray(5).getArray());
            }
        }
        if (type.equals("c")) {
            String expr = def.replaceFirst("(?i)^CHECK\\s*", "").replaceFirst("(?i)\\s+NOT\\s+VALID\\s*$", "");
            return one(c, "SELECT count(*) FROM " + r.sql() + " WHERE NOT " + expr);
        }
        if (type.equals("f") && cols.local.length > 0 && cols.local.length == cols.foreign.length) {
            String refSql;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ?")) {
                ps.setLong(1, ref);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    refSql = SqlNames.qualified(rs.getString(1), rs.getString(2));
                }
            }
            List<String> notNull = new ArrayList<>();
            List<String> join = new ArrayList<>();
            for (int i = 0; i < cols.local.length; i++) {
                notNull.add("t." + SqlNames.quote(cols.local[i]) + " IS NOT NULL");
                join.add("r." + SqlNames.quote(cols.foreign[i]) + " = t." + SqlNames.quote(cols.local[i]));
            }
            return one(c, "SELECT count(*) FROM " + r.sql() + " t WHERE " + String.join(" AND ", notNull)
                    + " AND NOT EXISTS (SELECT 1 FROM " + refSql + " r WHERE " + String.join(" AND ", join) + ")");
        }
        return null;
    }

    private record Array2(String[] local, String[] foreign) {}

    private static Long one(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = '120s'");
            try (ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            } finally {
                st.execute("RESET statement_timeout");
            }
        }
    }

    /** A server message fit for a report: a data exception's quoted value is withheld. */
    public static String safeMessage(String sqlstate, String message) {
        if (message == null) {
            return null;
        }
        String m = message.replaceFirst("^ERROR:\\s*", "");
        int nl = m.indexOf('\n');
        if (nl >= 0) {
            m = m.substring(0, nl);
        }
        if (sqlstate != null && sqlstate.startsWith("22")) {
            m = m.replaceAll(":\\s*\".*$", ": (value withheld)").replaceAll(":\\s*'.*$", ": (value withheld)");
        }
        return m.toLowerCase(Locale.ROOT).contains("failing row contains") ? m.replaceAll("(?i)failing row contains.*$", "") : m;
    }
}
