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
