package dev.dolly.agent.pg;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.api.ErrorCode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Supplier;
import org.postgresql.Driver;

/**
 * JDBC connections to clusters Dolly runs, and the readiness wait: a small poll (every 10 ms)
 * until the server accepts a real login, with a timeout whose message names what it waited for.
 */
public final class PgConnect {
    private static final Driver DRIVER = new Driver();

    private PgConnect() {}

    public static String url(String host, int port, String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public static Connection connect(String host, int port, String database, String user, char[] password, int socketTimeoutSeconds)
            throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        // the password goes only into a SCRAM exchange: a server asking for cleartext or MD5 gets nothing
        p.setProperty("authenticationPluginClassName", ScramOnly.class.getName());
        p.setProperty(ScramOnly.PROPERTY, new String(password));
        p.setProperty("connectTimeout", "2");
        p.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
        p.setProperty("sslmode", "disable");
        p.setProperty("gssEncMode", "disable");
        p.setProperty("ApplicationName", "dolly-agent");
        p.setProperty("assumeMinServerVersion", "15");
        // the server's DETAIL/WHERE text can quote rows ("Failing row contains (…)"): never in an exception message
        p.setProperty("logServerErrorDetail", "false");
        Connection c = DRIVER.connect(url(host, port, database), p);
        if (c == null) {
            throw new SQLException("PgJDBC refused the URL");
        }
        return c;
    }

    /**
     * Waits until PostgreSQL at host:port accepts a login and returns that open connection.
     * {@code whyDead} is asked now and then whether the server can still come up (for example
     * whether its container still runs); a non-null answer ends the wait at once with it.
     */
    public static Connection awaitReady(String what, String host, int port, String database, String user, char[] password,
                                        Duration timeout, Supplier<String> whyDead) {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        SQLException last = null;
        int attempt = 0;
        while (true) {
            try {
                return connect(host, port, database, user, password, 60);
            } catch (SQLException e) {
                last = e;
                if (e.getSQLState() != null && e.getSQLState().startsWith("28")) {
                    // the server is up but refuses the agent's own role: waiting will not help
                    throw new AgentException(ErrorCode.CONTAINER_FAILED, what + " on " + host + ":" + port + " refuses the agent's role "
                            + user + " (" + e.getMessage() + "); if the clone's owner changed or dropped it, reset the clone to its creation");
                }
            }
            attempt++;
            if (attempt % 10 == 0 && whyDead != null) {
                String dead = whyDead.get();
                if (dead != null) {
                    throw new AgentException(ErrorCode.CONTAINER_FAILED,
                            what + " stopped before accepting connections on " + host + ":" + port + ": " + dead);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AgentException(ErrorCode.CONTAINER_FAILED,
                        what + " did not accept connections on " + host + ":" + port + " within " + timeout.toSeconds()
                                + " s (last error: " + (last == null ? "none" : last.getMessage()) + ")");
            }
            try {
                Thread.sleep(attempt < 200 ? 10 : 50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AgentException(ErrorCode.INTERNAL, "interrupted while waiting for " + what);
            }
        }
    }

    /** {@code "name"}: a double-quoted identifier (names are validated before they get here). */
    public static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
