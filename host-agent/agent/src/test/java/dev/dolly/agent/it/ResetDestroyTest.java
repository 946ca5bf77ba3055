package dev.dolly.agent.it;

import static dev.dolly.agent.it.ItAgent.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.agent.Agent;
import dev.dolly.agent.Faults;
import dev.dolly.agent.Layout;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CloneView;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.client.AgentClient;
import dev.dolly.agent.clone.CloneRecord;
import dev.dolly.agent.config.AgentConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 items 3 and the destroy target: a reset to {@code @created} restores the content exactly and keeps the
 * clone's port, its owner's password and the agent's own key, for a clone made the ordinary way and one made from a
 * warm spare; a destroy answers once the clone is unreachable (its container's removal and its dataset's destroy follow),
 * and the id can be created again at once; an agent stopped between the answer and that clean-up leaves no orphan once
 * restarted.
 */
@Tag("integration")
class ResetDestroyTest {
    private TestRoot t;
    private AgentConfig config;
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

    /** {@code warm} with a spare, {@code cold} on the same seed with none. */
    private AgentClient start() throws Exception {
        t = new TestRoot();
        Path seed = ItAgent.seed(t.workDir, ItAgent.SHOP_SQL);
        config = t.config(21660, 21679, """
                warm:
                  database: shop
                  seed: [ %s ]
                  clone: { memory: 256m, spares: 1 }
                cold:
                  database: shop
                  seed: [ %s ]
                  clone: { memory: 256m, spares: 0 }
                """.formatted(seed, seed));
        agent = ItAgent.start(config);
        AgentClient api = ItAgent.client(agent);
        ItAgent.build(api, "warm");
        ItAgent.build(api, "cold");
        return api;
    }

    @Test
    void aResetKeepsPortPasswordAndKeyAndRestoresTheContent() throws Exception {
        AgentClient api = start();
        awaitSpare("warm");
        for (String template : new String[] {"cold", "warm"}) {
            String id = "r-" + template;
            CloneCredentials c = api.create(new CreateCloneRequest(id, template, null, "ci:job", null, false));
            if (template.equals("warm")) {
                assertThat(agent.clones().find(id).orElseThrow().dataset()).as("made from the spare").contains(Layout.SPARE_PREFIX);
            }
            for (int round = 0; round < 2; round++) {
                try (Connection conn = ItAgent.connect(c); Statement st = conn.createStatement()) {
                    st.execute("INSERT INTO customer VALUES (-1, 'written@example.com')");
                    st.execute("DELETE FROM customer WHERE id = 7");
                    st.execute("CREATE TABLE scratch(x int)");
                }
                CloneView after = api.reset(id, null);
                assertThat(after.port()).as("%s keeps its port", id).isEqualTo(c.cloneView().port());
                assertThat(after.user()).isEqualTo(c.cloneView().user());
                // the password handed out at the create still works, on the same port, on exactly the template's content
                try (Connection conn = ItAgent.connect(c)) {
                    assertThat(count(conn, "SELECT count(*) FROM customer")).isEqualTo(1000);
                    assertThat(count(conn, "SELECT count(*) FROM customer WHERE id = -1")).isZero();
                    assertThat(count(conn, "SELECT count(*) FROM customer WHERE id = 7")).isEqualTo(1);
                    assertThat(count(conn, "SELECT count(*) FROM pg_class WHERE relname = 'scratch'")).isZero();
                }
                CloneRecord rec = agent.clones().find(id).orElseThrow();
                assertThat(rec.resetting()).isNull();
                assertThat(rec.port()).isEqualTo(c.cloneView().port());
                // the agent logs in with the clone's own key, and the owner's role carries the stored verifier
                try (Connection conn = agent.clones().connectAsAgent(rec, 30);
                     PreparedStatement ps = conn.prepareStatement("SELECT rolpassword FROM pg_authid WHERE rolname = ?")) {
                    ps.setString(1, rec.user());
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo(rec.verifier());
                    }
                }
            }
            api.destroy(id);
        }
    }

    @Test
    void aDestroyedIdIsFreeAtOnce() throws Exception {
        AgentClient api = start();
        CloneCredentials first = api.create(new CreateCloneRequest("again", "cold", null, "ci:job", null, false));
        try (Connection conn = ItAgent.connect(first); Statement st = conn.createStatement()) {
            st.execute("INSERT INTO customer VALUES (-1, 'written@example.com')");
        }
        api.destroy("again");
        assertThat(api.clones()).noneMatch(v -> v.id().equals("again"));
        // the same id (the same dataset name, on a template without spares) right away
        CloneCredentials second = api.create(new CreateCloneRequest("again", "cold", null, "ci:job", null, false));
        try (Connection conn = ItAgent.connect(second)) {
            assertThat(count(conn, "SELECT count(*) FROM customer")).isEqualTo(1000);
        }
        agent.clones().awaitDestroys(Duration.ofSeconds(60));
        assertThat(agent.clones().find("again").orElseThrow().ready()).isTrue();
        assertThat(t.datasets().stream().filter(d -> d.endsWith("/clones/again")).count()).isEqualTo(1);
        api.destroy("again");
        agent.clones().awaitDestroys(Duration.ofSeconds(60));
        assertThat(t.datasets()).noneMatch(d -> d.contains("/clones/again"));
    }

    @Test
    void anAgentStoppedBeforeTheCleanUpLeavesNoOrphan() throws Exception {
        AgentClient api = start();
        awaitSpare("warm");
        for (String template : new String[] {"cold", "warm"}) {
            String id = "gone-" + template;
            CloneCredentials c = api.create(new CreateCloneRequest(id, template, null, "ci:job", null, false));
            String dataset = agent.clones().find(id).orElseThrow().dataset();
            Faults.onStep(p -> {
                if (p.equals("destroy.before-cleanup")) {
                    throw new Faults.Crash(p);
                }
            });
            api.destroy(id); // answered: its server is down and its dataset marked; the clean-up "dies" with the agent
            agent.clones().awaitDestroys(Duration.ofSeconds(30));
            Faults.onStep(null);
            assertThat(t.datasets()).as("the crashed destroy left %s", dataset).contains(dataset);
            assertThat(agent.clones().find(id)).isEmpty();
            assertThat(api.clones()).noneMatch(v -> v.id().equals(id));
            assertThatThrownBy(() -> ItAgent.connect(c).close()).as("a destroyed clone is unreachable").isInstanceOf(SQLException.class);

            agent.close();
            agent = ItAgent.start(config);
            api = ItAgent.client(agent);
            assertThat(t.datasets()).as("the next start destroyed %s", dataset).noneMatch(d -> d.equals(dataset) || d.startsWith(dataset + "@"));
            assertThat(t.containers()).noneMatch(x -> x.name().equals(agent.layout().cloneContainer(id)) || id.equals(x.labels().get(Layout.LABEL_CLONE)));
            assertThat(agent.clones().find(id)).isEmpty();
            // and the id serves a new clone
            CloneCredentials again = api.create(new CreateCloneRequest(id, template, null, "ci:job", null, false));
            try (Connection conn = ItAgent.connect(again)) {
                assertThat(count(conn, "SELECT count(*) FROM customer")).isEqualTo(1000);
            }
            api.destroy(id);
            awaitSpare("warm");
        }
    }

    private void awaitSpare(String template) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (agent.clones().spares().available(template) < 1) {
            assertThat(System.nanoTime()).as("a spare of %s within 120 s", template).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
