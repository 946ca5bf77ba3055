package dev.dolly.agent.refresh;

import dev.dolly.agent.process.LocalProcessRunner;
import dev.dolly.agent.process.ProcessRunner;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL 15 server for tests: initdb into {@code /tmp/dolly-pg-<name>-<random>} as
 * the {@code postgres} OS user, started on a free port (127.0.0.1, trust auth), stopped and
 * deleted by {@link #close()}. {@code nonDurable} uses the build-server settings of DESIGN §3.
 */
final class PgServer implements AutoCloseable {
    static final String BIN = "/usr/lib/postgresql/15/bin";
    private static final ProcessRunner RUN = new LocalProcessRunner();

    final Path dir;
    final Path data;
    final int port;
    private boolean running;

    private PgServer(Path dir, int port) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
    }

    static PgServer start(String name, boolean nonDurable) throws Exception {
        byte[] r = new byte[3];
        new SecureRandom().nextBytes(r);
        // in /tmp, not under the checkout (target/, or java.io.tmpdir, which the build points at target/tmp): the
        // postgres OS user must reach it, and a checkout may sit under a directory only root can enter (mktemp -d: 0700)
        Path dir = Files.createDirectory(Paths.get("/tmp", "dolly-pg-" + name + "-" + HexFormat.of().formatHex(r)));
        RUN.run(List.of("chown", "postgres:postgres", dir.toString()));
        PgServer s = new PgServer(dir, freePort());
        asPostgres(BIN + "/initdb", "-D", s.data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                "--locale=C.UTF-8", "--no-sync");
        StringBuilder conf = new StringBuilder("\nport = " + s.port + "\nlisten_addresses = '127.0.0.1'\n"
                + "unix_socket_directories = '" + dir + "'\nmax_connections = 40\nshared_buffers = 64MB\n");
        if (nonDurable) {
            conf.append("fsync = off\nfull_page_writes = off\nsynchronous_commit = off\nwal_level = minimal\n"
                    + "max_wal_senders = 0\nautovacuum = off\nmaintenance_work_mem = 256MB\nmax_wal_size = 4GB\n");
        }
        // the tests run as root, which may append to the postgres-owned file (its owner stays postgres)
        Files.writeString(s.data.resolve("postgresql.conf"), conf.toString(), java.nio.file.StandardOpenOption.APPEND);
        s.startServer();
        return s;
    }

    void startServer() {
        asPostgres(BIN + "/pg_ctl", "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "start");
        running = true;
    }

    /** Stop at once, like a crash or a pulled cable (connections are cut). */
    void kill() {
        asPostgres(BIN + "/pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
        running = false;
    }

    void stop() {
        if (running) {
            asPostgres(BIN + "/pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop");
            running = false;
        }
    }

    private static void asPostgres(String... argv) {
        List<String> a = new java.util.ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        a.addAll(List.of(argv));
        RUN.run(new ProcessRunner.Invocation(a, Map.of(), null, Duration.ofMinutes(2)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String url(String db) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + db;
    }

    Connection connect(String db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        return DriverManager.getConnection(url(db), p);
    }

    void exec(String db, String sql) throws SQLException {
        try (Connection c = connect(db); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    String queryOne(String db, String sql) throws SQLException {
        try (Connection c = connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    String systemIdentifier() throws SQLException {
        return queryOne("postgres", "SELECT system_identifier::text FROM pg_control_system()");
    }

    /** A source config for this server (as postgres, no password). */
    SourceConfig source(String db, String sysid) {
        return new SourceConfig("127.0.0.1", port, db, "postgres", "NO_SUCH_ENV", "disable", null, sysid, 5);
    }

    /** This server as a build target for its database {@code db}. */
    RefreshPipeline.Target target(String db) {
        return new RefreshPipeline.Target() {
            @Override
            public Connection connect() throws SQLException {
                return PgServer.this.connect(db);
            }

            @Override
            public String database() {
                return db;
            }

            @Override
            public Connection connectMaintenance() throws SQLException {
                return PgServer.this.connect("postgres");
            }
        };
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException e) {
            try {
                kill();
            } catch (RuntimeException ignored) {
                // already down
            }
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
