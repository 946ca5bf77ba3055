package dev.dolly.agent.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Administrative SQL the agent runs as {@link Passwords#AGENT_ROLE} in a cluster it serves. */
public final class ClusterAdmin {
    private ClusterAdmin() {}

    /**
     * Makes {@code role} a login role with the given SCRAM verifier as its password, creating it
     * when missing. {@code superuser}: the clone is its owner's private copy.
     */
    public static void ensureLoginRole(Connection c, String role, String verifier, boolean superuser) throws SQLException {
        Passwords.checkVerifier(verifier);
        boolean exists;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        String attrs = (superuser ? "SUPERUSER" : "NOSUPERUSER") + " LOGIN PASSWORD '" + verifier + "'";
        try (Statement st = c.createStatement()) {
            st.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + PgConnect.ident(role) + " " + (exists ? "WITH " : "") + attrs);
        }
    }

    /** Gives {@link Passwords#AGENT_ROLE} a new SCRAM verifier (its password in this cluster only). */
    public static void setAgentVerifier(Connection c, String verifier) throws SQLException {
        Passwords.checkVerifier(verifier);
        try (Statement st = c.createStatement()) {
            st.execute("ALTER ROLE " + PgConnect.ident(Passwords.AGENT_ROLE) + " WITH SUPERUSER LOGIN PASSWORD '" + verifier + "'");
        }
    }

    /**
     * Makes {@code role} the owner of the connected database and of every schema, table, view,
     * sequence, function and type in it that no extension owns (objects a template build or its
     * source left to other roles included), so a non-superuser clone owner can run any migration
     * the application's own role could. Idempotent.
     */
    public static void giveDatabaseTo(Connection c, String database, String role) throws SQLException {
        String lit = "'" + role.replace("'", "''") + "'";
        try (Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE " + PgConnect.ident(database) + " OWNER TO " + PgConnect.ident(role));
            st.execute(OWN_EVERYTHING.replace(":role", lit));
        }
    }

    private static final String USER_NS = "n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'";
    private static final String NOT_EXT = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = %s AND d.deptype = 'e')";
    private static final String OWN_EVERYTHING = """
            DO $own$
            DECLARE r record; o text := :role;
            BEGIN
              FOR r IN SELECT n.nspname FROM pg_namespace n WHERE %1$s AND %2$s LOOP
                EXECUTE format('ALTER SCHEMA %%I OWNER TO %%I', r.nspname, o);
              END LOOP;
              FOR r IN SELECT c.oid::regclass AS rel, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE %1$s AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND %3$s
                          AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d
                                   WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))) LOOP
                EXECUTE format('ALTER %%s %%s OWNER TO %%I', CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                  WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.rel, o);
              END LOOP;
              FOR r IN SELECT p.oid::regprocedure AS f, p.prokind FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE %1$s AND %4$s LOOP
                EXECUTE format('ALTER %%s %%s OWNER TO %%I', CASE r.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE'
                  ELSE 'FUNCTION' END, r.f, o);
              END LOOP;
              FOR r IN SELECT t.oid::regtype AS ty, t.typtype FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                        WHERE %1$s AND t.typtype IN ('c', 'd', 'e', 'r') AND %5$s
                          AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c') LOOP
                EXECUTE format('ALTER %%s %%s OWNER TO %%I', CASE r.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, r.ty, o);
              END LOOP;
            END $own$""".formatted(USER_NS, NOT_EXT.formatted("n.oid"), NOT_EXT.formatted("c.oid"), NOT_EXT.formatted("p.oid"),
            NOT_EXT.formatted("t.oid"));

    public static void checkpoint(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
        }
    }

    public static boolean databaseExists(Connection c, String database) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
