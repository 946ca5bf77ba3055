package dev.dolly.agent.refresh;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Rule {@code recompute}: the column was not copied (it holds NULL or its default on the target); once post-data has
 * made the table's triggers, the target's own row triggers compute it from the masked columns.
 *
 * <p>An {@code UPDATE … SET col = DEFAULT} is not enough: the builtin {@code tsvector_update_trigger} (and many
 * hand-written triggers, or {@code UPDATE OF <cols>} triggers) skip the work when the columns they read did not change,
 * so the column stays NULL. So each table's rows go through its BEFORE ROW INSERT triggers again, in one statement
 * ({@code WITH d AS (DELETE … RETURNING …) INSERT … SELECT … FROM d}), in one transaction with
 * {@code session_replication_role = replica} and only those triggers enabled {@code ALWAYS}: no foreign-key action,
 * no AFTER trigger, no other trigger fires, and every trigger's enabled state is back as it was at commit. A table
 * whose triggers compute only on UPDATE gets an UPDATE that names every copied column (so {@code UPDATE OF}
 * triggers fire), the same way. A table without such a trigger keeps the column at its default, with a warning.
 */
final class Recompute {
    // pg_trigger.tgtype bits
    private static final int ROW = 1;
    private static final int BEFORE = 2;
    private static final int INSERT = 4;
    private static final int UPDATE = 16;

    private Recompute() {}

    /** A user trigger of the table: its name and its {@code tgenabled} state ('O', 'A'; disabled and replica-only ones are left out). */
    private record Trigger(String name, String enabled, int type) {}

    /**
     * Recomputes {@code columns} of {@code schema.table} (whose other columns, {@code copied}, came from the source).
     * Returns a warning when nothing on the target computes them.
     */
    static List<String> table(Connection dst, String schema, String table, List<String> copied, List<String> columns)
            throws SQLException {
        String q = SqlScript.qualified(schema, table);
        List<Trigger> triggers = beforeRowTriggers(dst, q);
        List<Trigger> onInsert = triggers.stream().filter(t -> (t.type() & INSERT) != 0).toList();
        List<Trigger> fire = onInsert.isEmpty() ? triggers.stream().filter(t -> (t.type() & UPDATE) != 0).toList() : onInsert;
        if (fire.isEmpty()) {
            return List.of(schema + "." + table + ": no BEFORE ROW INSERT or UPDATE trigger computes " + String.join(", ", columns)
                    + " (rule recompute): left at the column default");
        }
        String statement;
        if (!onInsert.isEmpty()) {
            String cols = String.join(", ", copied.stream().map(SqlScript::ident).toList());
            statement = copied.isEmpty()
                    ? "WITH d AS (DELETE FROM ONLY " + q + " RETURNING 1) INSERT INTO " + q + " SELECT FROM d"
                    : "WITH d AS (DELETE FROM ONLY " + q + " RETURNING " + cols + ") INSERT INTO " + q + " (" + cols
                            + ") OVERRIDING SYSTEM VALUE SELECT " + cols + " FROM d";
        } else {
            List<String> set = new ArrayList<>();
            copied.forEach(c -> set.add(SqlScript.ident(c) + " = " + SqlScript.ident(c)));
            columns.forEach(c -> set.add(SqlScript.ident(c) + " = DEFAULT"));
            statement = "UPDATE ONLY " + q + " SET " + String.join(", ", set);
        }
        boolean auto = dst.getAutoCommit();
        dst.setAutoCommit(false);
        try (Statement st = dst.createStatement()) {
            st.execute("SET LOCAL session_replication_role = replica");
            for (Trigger t : fire) {
                if (!"A".equals(t.enabled())) {
                    st.execute("ALTER TABLE " + q + " ENABLE ALWAYS TRIGGER " + SqlScript.ident(t.name()));
                }
            }
            st.execute(statement);
            for (Trigger t : fire) {
                if (!"A".equals(t.enabled())) {
                    st.execute("ALTER TABLE " + q + " ENABLE TRIGGER " + SqlScript.ident(t.name()));
                }
            }
            dst.commit();
        } catch (SQLException | RuntimeException e) {
            dst.rollback();
            throw e;
        } finally {
            dst.setAutoCommit(auto);
        }
        return List.of();
    }

    private static List<Trigger> beforeRowTriggers(Connection dst, String qualified) throws SQLException {
        List<Trigger> out = new ArrayList<>();
        try (PreparedStatement ps = dst.prepareStatement("SELECT tgname, tgenabled::text, tgtype FROM pg_catalog.pg_trigger "
                + "WHERE tgrelid = ?::regclass AND NOT tgisinternal AND tgenabled IN ('O', 'A') ORDER BY tgname")) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int type = rs.getInt(3);
                    if ((type & ROW) != 0 && (type & BEFORE) != 0) {
                        out.add(new Trigger(rs.getString(1), rs.getString(2), type));
                    }
                }
            }
        }
        return out;
    }
}
