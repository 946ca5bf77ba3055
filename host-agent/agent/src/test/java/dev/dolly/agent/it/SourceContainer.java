package dev.dolly.agent.it;

import dev.dolly.agent.Layout;
import dev.dolly.agent.docker.ContainerSpec;
import dev.dolly.agent.docker.Containers;
import dev.dolly.agent.ports.PortPool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A test source: a PostgreSQL server of one major run as a container of that major's clone image
 * ({@code dolly/postgres:<major>}, no host packages), its data in the container's writable layer, published on
 * 127.0.0.1:port with trust auth, labelled under the test's dataset root so {@link TestRoot#close}
 * removes it.
 */
public final class SourceContainer implements AutoCloseable {
    /** Capabilities dropped and limits as for a clone, but a writable root filesystem. */
    private static final ContainerSpec.Confinement SOURCE = new ContainerSpec.Confinement(0, 4096, List.of(), false, null);
    public final int major;
    public final int port;
    public final String containerId;
    private final Containers containers;

    private SourceContainer(int major, int port, String containerId, Containers containers) {
        this.major = major;
        this.port = port;
        this.containerId = containerId;
        this.containers = containers;
    }

    public static SourceContainer start(TestRoot root, int major) throws Exception {
        return start(root.containers, new Layout(root.root), major);
    }

    /** A source of {@code major} labelled under {@code layout}'s dataset root; {@link #close()} removes it. */
    public static SourceContainer start(Containers c, Layout layout, int major) throws Exception {
        int port = PortPool.ephemeralLoopbackPort();
        Map<String, String> labels = layout.labels("test-source");
        String script = "initdb -D /var/lib/postgresql/data -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null"
                + " && echo 'host all all 0.0.0.0/0 trust' >> /var/lib/postgresql/data/pg_hba.conf"
                + " && exec postgres -D /var/lib/postgresql/data -c 'listen_addresses=*' -c unix_socket_directories=/tmp -c fsync=off";
        // a stand-in for production, not a tenant: its data lives in the container's writable layer (a clone's
        // read-only root with its 64 MB /tmp would end a bench source of any size with "No space left on device")
        ContainerSpec spec = new ContainerSpec(layout.rootSlug() + ".source" + major + "." + port,
                "dolly/postgres:" + major, List.of("sh", "-c", script),
                "postgres", labels, Map.of(), "127.0.0.1", port, false, 512L << 20, false, 0, SOURCE);
        String id = c.create(spec);
        c.start(id);
        SourceContainer s = new SourceContainer(major, port, id, c);
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (true) {
            try (Connection x = s.connect("postgres")) {
                return s;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("source " + major + " did not start: " + c.logTail(id, 20), e);
                }
                Thread.sleep(200);
            }
        }
    }

    public Connection connect(String db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "3");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + db, p);
    }

    public void exec(String db, String sql) throws SQLException {
        try (Connection c = connect(db); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    public String queryOne(String db, String sql) throws SQLException {
        try (Connection c = connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Override
    public void close() {
        containers.removeForce(containerId);
    }

    public String systemIdentifier() throws SQLException {
        return queryOne("postgres", "SELECT system_identifier::text FROM pg_control_system()");
    }
}
