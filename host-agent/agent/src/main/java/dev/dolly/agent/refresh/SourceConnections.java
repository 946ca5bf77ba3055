package dev.dolly.agent.refresh;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.Function;
import org.postgresql.Driver;

/**
 * Read-only JDBC sessions on the source. Every session is read-only three times over (the
 * {@code readOnly} connection property, {@code default_transaction_read_only} in the startup
 * options, and every transaction begun READ ONLY), and uses the output settings pg_dump uses so
 * COPY text is unambiguous: ISO dates, UTC, hex bytea, full float precision, and
 * {@code row_security = off} (a row hidden by row-level security fails the copy instead of
 * silently missing).
 */
public final class SourceConnections {
    private static final Driver DRIVER = new Driver();

    static final String[] SESSION = {
        "SET statement_timeout = 0",
        "SET lock_timeout = '30s'",
        "SET idle_in_transaction_session_timeout = 0",
        "SET DateStyle = 'ISO, MDY'",
        "SET IntervalStyle = 'postgres'",
        "SET extra_float_digits = 3",
        "SET TimeZone = 'UTC'",
        "SET bytea_output = 'hex'",
        "SET row_security = off",
        "SET default_transaction_read_only = on",
    };

    private SourceConnections() {}

    public static Connection open(SourceConfig s, Function<String, String> env) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", s.user());
        String pw = s.password(env);
        if (pw != null) {
            p.setProperty("password", pw);
        }
        p.setProperty("sslmode", s.sslmode());
        if (s.sslRootCert() != null) {
            p.setProperty("sslrootcert", s.sslRootCert());
        }
        p.setProperty("connectTimeout", Integer.toString(s.connectTimeoutSeconds()));
        p.setProperty("ApplicationName", "dolly-refresh");
        p.setProperty("readOnly", "true");
        p.setProperty("readOnlyMode", "always");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("options", "-c default_transaction_read_only=on");
        p.setProperty("gssEncMode", "disable");
        // the server's DETAIL/WHERE text can quote rows ("Failing row contains (…)"): never in an exception message
        p.setProperty("logServerErrorDetail", "false");
        String url = "jdbc:postgresql://" + s.host() + ":" + s.port() + "/" + s.database();
        Connection c = DRIVER.connect(url, p);
        if (c == null) {
            throw new SQLException("PgJDBC refused the URL");
        }
        try (Statement st = c.createStatement()) {
            for (String set : SESSION) {
                st.execute(set);
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Start the snapshot transaction every reader of one refresh shares. */
    public static void beginSnapshot(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        }
    }
}
