package dev.dolly.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.agent.Layout;
import dev.dolly.agent.docker.ContainerSpec;
import dev.dolly.agent.docker.ContainerState;
import dev.dolly.agent.docker.PostgresContainers;
import dev.dolly.agent.pg.ClusterAdmin;
import dev.dolly.agent.pg.ClusterFiles;
import dev.dolly.agent.pg.Passwords;
import dev.dolly.agent.ports.PortPool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Proves the host environment with the project's own code (the foundation issue's smoke test):
 * a dataset, initdb into it, a clean stop, a snapshot, a zfs clone, a container from the local
 * image on the clone with a host port, JDBC write and read, stop, destroy — and afterwards no
 * dataset and no container remain.
 */
@Tag("integration")
class EnvironmentSmokeTest {
    private static TestRoot t;

    @BeforeAll
    static void root() throws Exception {
        t = new TestRoot();
    }

    @AfterAll
    static void cleanup() {
        if (t != null) {
            t.close();
        }
    }

    @Test
    void datasetInitdbSnapshotCloneServeDestroy() throws Exception {
        PostgresContainers pg = new PostgresContainers(t.containers);
        char[] agentPassword = Passwords.clusterPassword(TestRoot.SECRET, "1");
        Map<String, String> labels = Map.of(Layout.LABEL_ROOT, t.root, Layout.LABEL_KIND, "smoke");
        String base = t.root + "/smoke";
        t.zfs.create(base, Map.of());
        Path pgdata = Path.of(t.zfs.get(base, List.of("mountpoint")).orElseThrow().get("mountpoint"));
        ClusterFiles.chown(pgdata, 999, 999, "rwx------");

        // initdb as postgres (uid 999) in a container from the local image
        Path boot = Files.createDirectories(t.workDir.resolve("boot"));
        Files.writeString(boot.resolve("pw"), Passwords.scramVerifier(agentPassword) + "\n", StandardCharsets.UTF_8);
        ClusterFiles.chown(boot.resolve("pw"), 999, 999, "r--------");
        ClusterFiles.chown(boot, 999, 999, "r-x------");
        pg.runOnce("initdb", new ContainerSpec(t.root.replace('/', '.') + ".smoke-initdb", "dolly/postgres:15",
                List.of("initdb", "-D", "/pgdata", "-U", Passwords.AGENT_ROLE, "--pwfile=/dolly-boot/pw", "-E", "UTF8",
                        "--auth-local=trust", "--auth-host=scram-sha-256"),
                "postgres", labels, Map.of(pgdata.toString(), "/pgdata", boot.toString(), "/dolly-boot:ro"), null, 0, false, 0),
                Duration.ofMinutes(2));
        ClusterFiles.writeHba(pgdata, 999, 999);

        // start, write, stop cleanly
        PortPool ports = new PortPool(21000, 21009);
        int port = ports.allocate();
        var first = pg.createAndAwait("smoke server", spec("smoke-base", pgdata, port, labels), port, "postgres", agentPassword, Duration.ofSeconds(60));
        try (Connection c = first.connection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE smoke(id int primary key, note text)");
            st.execute("INSERT INTO smoke VALUES (1, 'written before the snapshot')");
            ClusterAdmin.checkpoint(c);
        }
        t.containers.stop(first.containerId(), Duration.ofSeconds(60));
        ContainerState stopped = t.containers.inspect(first.containerId()).orElseThrow();
        assertThat(stopped.running()).isFalse();
        assertThat(stopped.exitCode()).isZero();
        assertThat(pgdata.resolve("postmaster.pid")).doesNotExist();
        t.containers.removeForce(first.containerId());

        // snapshot, clone, serve the clone on a host port
        t.zfs.snapshot(base + "@clean");
        String clone = t.root + "/smoke-clone";
        t.zfs.clone(base + "@clean", clone, Map.of());
        Path clonePath = Path.of(t.zfs.get(clone, List.of("mountpoint")).orElseThrow().get("mountpoint"));
        var served = pg.createAndAwait("smoke clone", spec("smoke-clone", clonePath, port, labels), port, "postgres", agentPassword, Duration.ofSeconds(60));
        try (Connection c = served.connection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO smoke VALUES (2, 'written in the clone')");
            try (ResultSet rs = st.executeQuery("SELECT string_agg(note, '|' ORDER BY id) FROM smoke")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("written before the snapshot|written in the clone");
            }
        }
        assertThat(t.containers.logTail(served.containerId(), 50)).doesNotContain("database system was not properly shut down");

        // stop, destroy: nothing left
        t.containers.stop(served.containerId(), Duration.ofSeconds(30));
        t.containers.removeForce(served.containerId());
        t.zfs.destroyRecursive(clone);
        t.zfs.destroyRecursive(base);
        assertThat(t.datasets()).isEmpty();
        assertThat(t.containers()).isEmpty();
    }

    private ContainerSpec spec(String name, Path pgdata, int port, Map<String, String> labels) {
        return new ContainerSpec(t.root.replace('/', '.') + "." + name, "dolly/postgres:15",
                PostgresContainers.serverCommand("*", 5432, Map.of()), "postgres", labels,
                Map.of(pgdata.toString(), "/pgdata"), "127.0.0.1", port, false, 256L << 20);
    }
}
