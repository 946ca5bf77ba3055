package dev.dolly.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.agent.Agent;
import dev.dolly.agent.Faults;
import dev.dolly.agent.Layout;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.ResetRequest;
import dev.dolly.agent.api.SavepointRequest;
import dev.dolly.agent.clone.CloneRecord;
import dev.dolly.agent.config.AgentConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 6: an agent stopped dead between any two steps of create, reset (to {@code @created} or to a
 * savepoint) or savepoint leaves, once a new agent has reconciled the same pool, a clone that serves with its
 * owner's password (the cluster holds the owner's stored verifier), or nothing at all (no dataset, snapshot or
 * container). The crash is {@link Faults.Crash} thrown at the step boundary: the operation's own clean-up does
 * not run, as when the process is killed; the crashed agent is then abandoned and a new one started.
 */
@Tag("integration")
class CrashConsistencyTest {
    private static final List<String> CREATE = List.of("create.after-zfs-clone", "create.after-clone", "create.after-docker-create",
            "create.after-container", "create.after-role", "create.after-ready");
    private static final List<String> RESET = List.of("reset.after-mark", "reset.after-stop", "reset.after-rollback",
            "reset.after-start", "reset.after-role", "reset.after-done");
    private static final List<String> SAVEPOINT = List.of("savepoint.after-checkpoint", "savepoint.after-snapshot");

    private static TestRoot t;
    private static AgentConfig config;
    private static Agent agent;
    private final List<String> seen = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        t = new TestRoot();
        Path seed = ItAgent.seed(t.workDir.resolve("shop"), ItAgent.SHOP_SQL);
        // a rollback to a savepoint restarts PostgreSQL through crash recovery, which takes long on a loaded zfs-fuse host
        config = t.config(21240, 21259, "shop:\n  seed: [ %s ]\n".formatted(seed), "  readyTimeout: 120s\n");
        agent = ItAgent.start(config);
        ItAgent.build(ItAgent.client(agent), "shop");
    }

    @AfterAll
    static void tearDown() {
        Faults.onStep(null);
        if (agent != null) {
            agent.close();
        }
        if (t != null) {
            t.close();
        }
    }

    @AfterEach
    void noListener() {
        Faults.onStep(null);
    }

    @Test
    void createStoppedAtAnyStepLeavesAServingCloneOrNothing() throws Exception {
        for (int i = 0; i < CREATE.size(); i++) {
            String point = CREATE.get(i);
            String id = "crash-create-" + i;
            crashAt(point, () -> agent.clones().create(new CreateCloneRequest(id, "shop", null, "u", null, false)));
            // the docker create the crashed create started beside zfs clone lands (dockerd finishes it whatever the agent does)
            awaitContainer(id);
            restart();
            Optional<CloneRecord> rec = agent.clones().find(id);
            if (point.equals("create.after-ready")) {
                assertThat(rec).as("a clone made ready before %s stays", point).isPresent();
                assertOwnersVerifier(rec.get());
            } else {
                assertThat(rec).as("a half-made clone (stopped at %s) is removed", point).isEmpty();
                assertGone(id, point);
            }
            // the control plane retries the create with the same id: it answers a password that works
            CloneCredentials c = agent.clones().create(new CreateCloneRequest(id, "shop", null, "u", null, false)).credentials();
            assertThat(count(c)).isEqualTo(1000);
            assertOwnersVerifier(agent.clones().find(id).orElseThrow());
            agent.clones().destroy(id);
            agent.clones().awaitDestroys(Duration.ofSeconds(60)); // the dataset goes in the background
            assertGone(id, point + " (destroyed)");
        }
        assertThat(seen).as("every create step was reached").containsAll(CREATE);
    }

    @Test
    void resetStoppedAtAnyStepIsFinishedByTheNextAgent() throws Exception {
        for (int i = 0; i < RESET.size(); i++) {
            String point = RESET.get(i);
            String id = "crash-reset-" + i;
            CloneCredentials c = agent.clones().create(new CreateCloneRequest(id, "shop", null, "u", null, false)).credentials();
            write(c, 9999);
            crashAt(point, () -> agent.clones().reset(id, null));
            restart();
            assertThat(count(c)).as("the reset stopped at %s is finished: the write is gone, the owner's password works", point)
                    .isEqualTo(1000);
            CloneRecord rec = agent.clones().find(id).orElseThrow();
            assertThat(rec.resetting()).as("no reset left pending after %s", point).isNull();
            assertOwnersVerifier(rec);
            assertThat(agent.clones().get(id).state()).isEqualTo("ready");
            agent.clones().destroy(id);
        }
        assertThat(seen).as("every reset step was reached").containsAll(RESET);
    }

    @Test
    void rollbackStoppedAtAnyStepIsFinishedByTheNextAgent() throws Exception {
        for (int i = 0; i < RESET.size(); i++) {
            String point = RESET.get(i);
            String id = "crash-rollback-" + i;
            CloneCredentials c = agent.clones().create(new CreateCloneRequest(id, "shop", null, "u", null, false)).credentials();
            write(c, 9999);
            agent.clones().savepoint(id, new SavepointRequest("s1"));
            write(c, 9998);
            crashAt(point, () -> agent.clones().reset(id, new ResetRequest("s1")));
            restart();
            assertThat(count(c)).as("the rollback stopped at %s is finished: the savepoint's data, the owner's password", point)
                    .isEqualTo(1001);
            CloneRecord rec = agent.clones().find(id).orElseThrow();
            assertThat(rec.resetting()).isNull();
            assertOwnersVerifier(rec);
            agent.clones().destroy(id);
        }
    }

    @Test
    void savepointStoppedAtAnyStepLeavesTheCloneServingAndAnyTakenSavepointUsable() throws Exception {
        for (int i = 0; i < SAVEPOINT.size(); i++) {
            String point = SAVEPOINT.get(i);
            String id = "crash-savepoint-" + i;
            CloneCredentials c = agent.clones().create(new CreateCloneRequest(id, "shop", null, "u", null, false)).credentials();
            write(c, 9999);
            crashAt(point, () -> agent.clones().savepoint(id, new SavepointRequest("s1")));
            restart();
            assertThat(count(c)).as("the clone serves after a savepoint stopped at %s", point).isEqualTo(1001);
            CloneRecord rec = agent.clones().find(id).orElseThrow();
            assertOwnersVerifier(rec);
            if (rec.hasSavepoint("s1")) {
                write(c, 9998);
                agent.clones().reset(id, new ResetRequest("s1"));
                assertThat(count(c)).as("the savepoint taken before %s rolls back", point).isEqualTo(1001);
            } else {
                // the retried savepoint is taken
                agent.clones().savepoint(id, new SavepointRequest("s1"));
            }
            assertOwnersVerifier(agent.clones().find(id).orElseThrow());
            agent.clones().destroy(id);
        }
        assertThat(seen).containsAll(SAVEPOINT);
    }

    // ------------------------------------------------------------------ helpers

    /** Runs {@code op} with a crash injected at {@code point}; asserts it got there. */
    private void crashAt(String point, Runnable op) {
        Faults.onStep(p -> {
            seen.add(p);
            if (p.equals(point)) {
                throw new Faults.Crash(p);
            }
        });
        try {
            assertThatThrownBy(op::run).as("the operation reached %s", point).isInstanceOf(Faults.Crash.class);
        } finally {
            Faults.onStep(null);
        }
    }

    /** Abandons the crashed agent (what it has on the pool and in docker stays) and starts a new one over the same pool. */
    private static void restart() throws Exception {
        agent.close();
        agent = ItAgent.start(config);
    }

    private static void awaitContainer(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && t.containers().stream().noneMatch(c -> id.equals(c.labels().get(Layout.LABEL_CLONE)))) {
            Thread.sleep(100);
        }
    }

    private static void assertGone(String id, String point) {
        assertThat(t.datasets()).as("no dataset or snapshot of %s after %s", id, point).noneMatch(d -> d.contains("/clones/" + id));
        assertThat(t.containers()).as("no container of %s after %s", id, point)
                .noneMatch(c -> id.equals(c.labels().get(Layout.LABEL_CLONE)) || c.name().endsWith(".clone." + id));
    }

    /** The owner's role in the cluster logs in with the verifier stored on the dataset (the password the owner holds). */
    private static void assertOwnersVerifier(CloneRecord rec) throws Exception {
        try (Connection conn = agent.clones().connectAsAgent(rec, 30);
             PreparedStatement ps = conn.prepareStatement("SELECT rolpassword, rolcanlogin FROM pg_authid WHERE rolname = ?")) {
            ps.setString(1, rec.user());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("clone %s has its owner's role", rec.id()).isTrue();
                assertThat(rs.getString(1)).as("clone %s: the owner's stored verifier", rec.id()).isEqualTo(rec.verifier());
                assertThat(rs.getBoolean(2)).isTrue();
            }
        }
    }

    private static long count(CloneCredentials c) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Connection conn = ItAgent.connect(c); Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM customer")) {
                rs.next();
                return rs.getLong(1);
            } catch (java.sql.SQLException e) {
                if (System.nanoTime() > deadline || "28P01".equals(e.getSQLState())) {
                    throw e;   // a wrong password is an answer, not a server still starting
                }
                Thread.sleep(200);
            }
        }
    }

    private static void write(CloneCredentials c, int id) throws Exception {
        try (Connection conn = ItAgent.connect(c); Statement st = conn.createStatement()) {
            st.execute("INSERT INTO customer VALUES (" + id + ", 'w" + id + "@example.com')");
        }
    }
}
