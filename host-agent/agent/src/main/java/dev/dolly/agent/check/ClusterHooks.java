package dev.dolly.agent.check;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What a check installs on its clone and removes afterwards: an event trigger on {@code table_rewrite} that
 * {@code RAISE LOG}s the rewritten table (which survives the migration's rollback) and notes its oid in the session
 * setting {@code dolly_check.rewrote} (read by files mode after each statement), and, in observe mode,
 * {@code log_statement = all}.
 */
public final class ClusterHooks {
    static final String REWRITE_LOG = "dolly-check: table_rewrite of ";
    private static final String INSTALL = """
            CREATE SCHEMA IF NOT EXISTS dolly_check;
            GRANT USAGE ON SCHEMA dolly_check TO PUBLIC;
            CREATE OR REPLACE FUNCTION dolly_check.rewrite() RETURNS event_trigger LANGUAGE plpgsql AS $f$
            BEGIN
              RAISE LOG 'dolly-check: table_rewrite of % (oid %)', pg_event_trigger_table_rewrite_oid()::regclass,
                pg_event_trigger_table_rewrite_oid();
              PERFORM set_config('dolly_check.rewrote',
                coalesce(current_setting('dolly_check.rewrote', true), '') || pg_event_trigger_table_rewrite_oid() || ',', false);
            END $f$;
            DROP EVENT TRIGGER IF EXISTS dolly_check_rewrite;
            CREATE EVENT TRIGGER dolly_check_rewrite ON table_rewrite EXECUTE FUNCTION dolly_check.rewrite()""";

    private ClusterHooks() {}

    public static void install(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(INSTALL);
        }
    }

    public static void remove(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP EVENT TRIGGER IF EXISTS dolly_check_rewrite; DROP SCHEMA IF EXISTS dolly_check CASCADE");
        }
    }

    /** The oids the event trigger noted in this session since the last call (then cleared); empty in an aborted transaction. */
    public static List<Long> rewrittenSinceLast(Connection migration) {
        List<Long> out = new ArrayList<>();
        try (Statement st = migration.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('dolly_check.rewrote', true), set_config('dolly_check.rewrote', '', false)")) {
            rs.next();
            String v = rs.getString(1);
            if (v != null) {
                for (String s : v.split(",")) {
                    if (!s.isBlank()) {
                        out.add(Long.parseLong(s.trim()));
                    }
                }
            }
        } catch (SQLException | NumberFormatException e) {
            // an aborted transaction: nothing to read
        }
        return out;
    }

    /** Observe mode: every statement goes to the server log. */
    public static void logStatements(Connection c, boolean on) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(on ? "ALTER SYSTEM SET log_statement = 'all'" : "ALTER SYSTEM RESET log_statement");
            st.execute(on ? "ALTER SYSTEM SET log_lock_waits = on" : "ALTER SYSTEM RESET log_lock_waits");
            st.execute("SELECT pg_reload_conf()");
        }
    }

    /** application_name of the check's own sessions, so observe mode can tell them from the migration's. */
    public static Connection named(Connection c, String role) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET application_name = '" + Probe.APPLICATION + "-" + role.replaceAll("[^a-z-]", "") + "'");
        }
        return c;
    }
}
