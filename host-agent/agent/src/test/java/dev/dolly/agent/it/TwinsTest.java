package dev.dolly.agent.it;

import static dev.dolly.agent.it.ItAgent.count;
import static dev.dolly.agent.it.ItAgent.hostConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dolly.agent.Agent;
import dev.dolly.agent.Faults;
import dev.dolly.agent.Layout;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CloneView;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.client.AgentClient;
import dev.dolly.agent.clone.CloneRecord;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.docker.ContainerInfo;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Resets by twin (issue 19) on the real pool, engine and servers: a reset to {@code @created} swaps in the clone's standby
 * copy behind the same port and password, ends every session of the old one and throws its data away; back and forth,
 * with a savepoint and a password change between; the twin is confined like the clone and its standby is out of the
 * owner's reach; an agent killed after the swap's commit point serves the reset clone after its restart; a destroy leaves
 * nothing; with {@code clone.spares: 0} there is no twin.
 */
@Tag("integration")
class TwinsTest {
    private TestRoot t;
    private Agent agent;

    @AfterEach
    void tearDown() {
        Faults.onStep(null);
        if (agent != null) {
            agent.close();
        }
        if (t != null) {
            t.close();
        }
    }

    private AgentConfig config(int spares) throws Exception {
        t = new TestRoot();
        Path seed = ItAgent.seed(t.workDir, ItAgent.SHOP_SQL);
        return t.config(21700, 21719, """
                shop:
                  database: shop
                  seed: [ %s ]
                  clone: { memory: 256m, pids: 200, spares: %d }
                """.formatted(seed, spares), "  clone: { spares: 0 }\n");
    }

    @Test
    void aResetSwapsInTheTwinBehindTheSamePortAndPassword() throws Exception {
        agent = ItAgent.start(config(1));
        AgentClient api = ItAgent.client(agent);
        ItAgent.build(api, "shop");
        CloneCredentials c = api.create(new CreateCloneRequest("tw", "shop", null, "slack:U1", null, false));
        awaitStandby("tw");
        assertThat(MetricsScrapeTest.value(api.metrics(), "dolly_twins_ready{template=\"shop\"}")).as("dolly_twins_ready").hasValue(1);

        // the twin: the clone's confinement, in the clone container's network namespace, no port of its own
        ContainerInfo primary = agent.clones().container("tw").orElseThrow();
        ContainerInfo twin = t.containers().stream().filter(x -> x.name().equals(agent.layout().twinContainer("tw"))).findFirst().orElseThrow();
        JsonNode ph = hostConfig(primary.name());
        JsonNode th = hostConfig(twin.name());
        for (String k : List.of("CapDrop", "CapAdd", "SecurityOpt", "ReadonlyRootfs", "PidsLimit", "Memory", "NanoCpus", "Init", "ShmSize",
                "Tmpfs", "Privileged")) {
            assertThat(th.path(k)).as("twin HostConfig.%s", k).isEqualTo(ph.path(k));
        }
        assertThat(th.path("NetworkMode").asText()).isEqualTo("container:" + primary.id());
        assertThat(th.path("PortBindings").isEmpty() || th.path("PortBindings").isNull()).as("the twin publishes nothing").isTrue();

        for (int round = 0; round < 3; round++) {
            Connection old = ItAgent.connect(c);
            try (Statement st = old.createStatement()) {
                st.execute("DELETE FROM customer WHERE id <= 10");
                st.execute("CREATE TABLE scratch(x int)");
            }
            boolean twinServedBefore = agent.clones().find("tw").orElseThrow().twinServes();
            CloneView after = api.reset("tw", null);
            CloneRecord rec = agent.clones().find("tw").orElseThrow();
            assertThat(rec.twinServes()).as("round %d swapped", round).isNotEqualTo(twinServedBefore);
            assertThat(after.port()).isEqualTo(c.cloneView().port());
            // the old server's sessions are gone with its data
            assertThatThrownBy(() -> {
                try (Statement st = old.createStatement()) {
                    st.executeQuery("SELECT 1").close();
                }
            }).isInstanceOf(SQLException.class);
            old.close();
            try (Connection conn = ItAgent.connect(c)) {
                assertThat(count(conn, "SELECT count(*) FROM customer")).isEqualTo(1000);
                assertThat(count(conn, "SELECT count(*) FROM pg_class WHERE relname = 'scratch'")).isZero();
            }
            // the agent logs in to whichever serves with the clone's key
            try (Connection conn = agent.clones().connectAsAgent(rec, 30)) {
                assertThat(count(conn, "SELECT 1")).isEqualTo(1);
            }
            awaitStandby("tw");
        }

        // a savepoint and a rollback work on the copy that serves (the twin after three swaps)
        assertThat(agent.clones().find("tw").orElseThrow().twinServes()).isTrue();
        try (Connection conn = ItAgent.connect(c); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE kept(x int)");
        }
        api.savepoint("tw", "one");
        try (Connection conn = ItAgent.connect(c); Statement st = conn.createStatement()) {
            st.execute("DROP TABLE kept");
            st.execute("DELETE FROM customer");
        }
        api.reset("tw", "one");
        try (Connection conn = ItAgent.connect(c)) {
            assertThat(count(conn, "SELECT count(*) FROM pg_class WHERE relname = 'kept'")).isEqualTo(1);
            assertThat(count(conn, "SELECT count(*) FROM customer")).isEqualTo(1000);
        }
        assertThat(agent.clones().find("tw").orElseThrow().twinServes()).as("a rollback goes in place").isTrue();

        // a new password reaches the standby before it serves
        CloneCredentials rotated = api.password("tw");
        awaitStandby("tw");
        api.reset("tw", null);
        try (Connection conn = ItAgent.connect(rotated)) {
            assertThat(count(conn, "SELECT count(*) FROM pg_class WHERE relname = 'kept'")).as("savepoints' data is gone").isZero();
        }
        assertThatThrownBy(() -> ItAgent.connect(c).close()).as("the old password").isInstanceOf(SQLException.class);
        assertThat(agent.clones().find("tw").orElseThrow().savepoints()).isEmpty();

        // a destroy takes both
        String dataset = agent.clones().find("tw").orElseThrow().dataset();
        api.destroy("tw");
        agent.clones().awaitDestroys(Duration.ofSeconds(60));
        assertThat(t.datasets()).noneMatch(d -> d.startsWith(dataset));
        assertThat(t.containers()).noneMatch(x -> "tw".equals(x.labels().get(Layout.LABEL_CLONE)) || x.name().endsWith(".tw"));
    }

    @Test
    void theOwnerCannotReachTheStandbyFromInsideTheClone() throws Exception {
        agent = ItAgent.start(config(1));
        AgentClient api = ItAgent.client(agent);
        ItAgent.build(api, "shop");
        CloneCredentials c = api.create(new CreateCloneRequest("iso", "shop", null, "slack:U1", null, false));
        CloneCredentials other = api.create(new CreateCloneRequest("other", "shop", null, "slack:U2", null, false));
        awaitStandby("iso");
        String isoAddress = agent.containers().ipAddress(agent.clones().container("iso").orElseThrow().id()).orElseThrow();
        for (int round = 0; round < 2; round++) {
            // another tenant reaches neither of iso's servers (inter-container traffic is off on the clones' network)
            try (Connection conn = ItAgent.connect(other)) {
                for (int port : new int[] {5432, 5433, 6432}) {
                    assertThat(probe(conn, isoAddress, port)).as("another clone to iso's %d", port).isEqualTo("2");
                }
            }
            try (Connection conn = ItAgent.connect(c)) {
                // a superuser owner runs programs in the server's container: the serving port answers there, the standby's does not
                int standby = agent.clones().find("iso").orElseThrow().twinServes() ? 5432 : 5433;
                int serving = standby == 5432 ? 5433 : 5432;
                assertThat(probe(conn, serving)).as("serving port %d from inside", serving).isEqualTo("0");
                assertThat(probe(conn, standby)).as("standby port %d from inside", standby).isEqualTo("2");
            }
            api.reset("iso", null);
            awaitStandby("iso");
        }
    }

    @Test
    void anAgentKilledAfterTheSwapsCommitPointServesTheResetClone() throws Exception {
        agent = ItAgent.start(config(1));
        AgentClient api = ItAgent.client(agent);
        ItAgent.build(api, "shop");
        CloneCredentials c = api.create(new CreateCloneRequest("cr", "shop", null, "slack:U1", null, false));
        awaitStandby("cr");
        try (Connection conn = ItAgent.connect(c); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE scratch(x int)");
        }
        Faults.onStep(p -> {
            if (p.equals("reset.twin.after-serving")) {
                throw new Faults.Crash(p);
            }
        });
        try {
            assertThatThrownBy(() -> agent.clones().reset("cr", null)).isInstanceOf(Faults.Crash.class);
        } finally {
            Faults.onStep(null);
        }
        assertThat(agent.clones().find("cr").orElseThrow().twinServes()).isTrue();
        AgentConfig config = agent.config();
        agent.close();
        agent = ItAgent.start(config);
        try (Connection conn = ItAgent.connect(c)) {
            assertThat(count(conn, "SELECT count(*) FROM pg_class WHERE relname = 'scratch'")).as("the twin serves").isZero();
            assertThat(count(conn, "SELECT count(*) FROM customer")).isEqualTo(1000);
        }
        awaitStandby("cr");
        api = ItAgent.client(agent);
        api.reset("cr", null);
        assertThat(agent.clones().find("cr").orElseThrow().twinServes()).isFalse();
        try (Connection conn = ItAgent.connect(c)) {
            assertThat(count(conn, "SELECT count(*) FROM pg_class WHERE relname = 'scratch'")).as("the standby was rolled back").isZero();
        }
    }

    @Test
    void aCloneContainerStartedAgainWhileItsTwinServesIsServedByItsTwin() throws Exception {
        agent = ItAgent.start(config(1));
        AgentClient api = ItAgent.client(agent);
        ItAgent.build(api, "shop");
        CloneCredentials c = api.create(new CreateCloneRequest("rb", "shop", null, "slack:U1", null, false));
        awaitStandby("rb");
        api.reset("rb", null);
        assertThat(agent.clones().find("rb").orElseThrow().twinServes()).isTrue();
        try (Connection conn = ItAgent.connect(c); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE written_on_the_twin(x int)");
            st.execute("CHECKPOINT");
        }
        // the host loses the clone container (and with it the network namespace the twin joined) while the agent is down
        AgentConfig config = agent.config();
        agent.close();
        t.containers.kill(agent.clones().container("rb").orElseThrow().id());
        agent = ItAgent.start(config);
        try (Connection conn = ItAgent.connect(c)) {
            assertThat(count(conn, "SELECT count(*) FROM pg_class WHERE relname = 'written_on_the_twin'")).as("the twin's data serves").isEqualTo(1);
        }
        ContainerInfo primary = agent.clones().container("rb").orElseThrow();
        ContainerInfo twin = t.containers().stream().filter(x -> x.name().equals(agent.layout().twinContainer("rb"))).findFirst().orElseThrow();
        assertThat(hostConfig(twin.name()).path("NetworkMode").asText()).isEqualTo("container:" + primary.id());
        awaitStandby("rb");
        ItAgent.client(agent).reset("rb", null);
        assertThat(agent.clones().find("rb").orElseThrow().twinServes()).isFalse();
        try (Connection conn = ItAgent.connect(c)) {
            assertThat(count(conn, "SELECT count(*) FROM pg_class WHERE relname = 'written_on_the_twin'")).isZero();
            assertThat(count(conn, "SELECT count(*) FROM customer")).isEqualTo(1000);
        }
    }

    @Test
    void withSparesOffThereIsNoTwin() throws Exception {
        agent = ItAgent.start(config(0));
        AgentClient api = ItAgent.client(agent);
        ItAgent.build(api, "shop");
        CloneCredentials c = api.create(new CreateCloneRequest("none", "shop", null, "u", null, false));
        Thread.sleep(2000);
        api.reset("none", null);
        Thread.sleep(1000);
        CloneRecord rec = agent.clones().find("none").orElseThrow();
        assertThat(rec.hasTwin()).isFalse();
        assertThat(rec.twinServes()).isFalse();
        assertThat(t.containers()).noneMatch(x -> x.name().equals(agent.layout().twinContainer("none")));
        try (Connection conn = ItAgent.connect(c)) {
            assertThat(count(conn, "SELECT count(*) FROM customer")).isEqualTo(1000);
        }
    }

    // ------------------------------------------------------------------ helpers

    private void awaitStandby(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!agent.clones().twins().ready(agent.clones().find(id).orElseThrow()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(agent.clones().twins().ready(agent.clones().find(id).orElseThrow())).as("standby of %s ready", id).isTrue();
    }

    /** pg_isready's exit code for 127.0.0.1:{@code port}, run by the owner inside the server's container (0 answers, 2 no answer). */
    private static String probe(Connection conn, int port) throws SQLException {
        return probe(conn, "127.0.0.1", port);
    }

    private static String probe(Connection conn, String host, int port) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TEMP TABLE IF NOT EXISTS probe(line text)");
            st.execute("TRUNCATE probe");
            st.execute("COPY probe FROM PROGRAM 'pg_isready -q -t 2 -h " + host + " -p " + port + "; echo $?'");
            try (ResultSet rs = st.executeQuery("SELECT line FROM probe")) {
                rs.next();
                return rs.getString(1).trim();
            }
        }
    }
}
