package dev.dolly.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.agent.Agent;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.client.AgentClient;
import dev.dolly.agent.api.client.AgentException;
import dev.dolly.agent.process.LocalProcessRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Failures get a clear error with a stable code and leave nothing behind: the port pool
 * exhausted, a clone whose server will not start, the pool full (for a clone and for a build).
 */
@Tag("integration")
class CloneFailuresTest {
    private static TestRoot t;
    private static Agent agent;
    private static AgentClient api;

    @BeforeAll
    static void start() throws Exception {
        t = new TestRoot();
        Path ok = ItAgent.seed(t.workDir.resolve("ok"), ItAgent.SHOP_SQL);
        Path broken = ItAgent.seed(t.workDir.resolve("broken"), ItAgent.SHOP_SQL
                + "ALTER SYSTEM SET wal_level = 'minimal';\n"); // a clone of it cannot start: max_wal_senders > 0 needs replica
        Path big = ItAgent.seed(t.workDir.resolve("big"), """
                BEGIN;
                CREATE TABLE filler(id int, pad text);
                INSERT INTO filler SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 1500000) g;
                COMMIT;
                """);
        agent = ItAgent.start(t.config(21100, 21102, """
                shop:
                  seed: [ %s ]
                broken:
                  seed: [ %s ]
                big:
                  seed: [ %s ]
                """.formatted(ok, broken, big)));
        api = ItAgent.client(agent);
        ItAgent.build(api, "shop");
        ItAgent.build(api, "broken");
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
        if (t != null) {
            t.close();
        }
    }

    private static CreateCloneRequest req(String id, String template) {
        return new CreateCloneRequest(id, template, null, "u", null, false);
    }

    /** The pool as the tests see it stays still: destroys of an earlier test have finished their background half. */
    @org.junit.jupiter.api.BeforeEach
    void settled() {
        agent.clones().awaitDestroys(java.time.Duration.ofSeconds(60));
    }

    private static List<String> cloneDatasets() {
        return t.datasets().stream().filter(d -> d.contains("/clones/")).toList();
    }

    @Test
    void aCloneWhoseServerWillNotStartIsRolledBackWithItsLogInTheError() {
        List<String> before = cloneDatasets();
        int portsBefore = agent.ports().inUse();
        assertThatThrownBy(() -> api.create(req("wont-start", "broken"))).isInstanceOfSatisfying(AgentException.Refused.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONTAINER_FAILED);
            assertThat(e.getMessage()).contains("clone wont-start").contains("exit code").contains("wal_level");
        });
        assertThat(cloneDatasets()).isEqualTo(before);
        assertThat(t.containers()).noneMatch(c -> "wont-start".equals(c.labels().get("dolly.clone")));
        assertThat(agent.ports().inUse()).isEqualTo(portsBefore);
    }

    @Test
    void portsExhaustedIsAClearErrorAndLeavesNothing() {
        try {
            api.create(req("p1", "shop"));
            api.create(req("p2", "shop"));
            api.create(req("p3", "shop"));
            List<String> before = cloneDatasets();
            assertThatThrownBy(() -> api.create(req("p4", "shop"))).isInstanceOfSatisfying(AgentException.Refused.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.PORTS_EXHAUSTED);
                assertThat(e.getMessage()).contains("21100-21102");
            });
            assertThat(cloneDatasets()).isEqualTo(before);
            assertThat(t.containers()).noneMatch(c -> "p4".equals(c.labels().get("dolly.clone")));
        } finally {
            for (String id : List.of("p1", "p2", "p3")) {
                try {
                    api.destroy(id);
                } catch (AgentException ignored) {
                    // not made
                }
            }
        }
        api.create(req("p4", "shop"));
        api.destroy("p4");
    }

    @Test
    void aFullPoolRefusesClonesAndFailsBuildsCleanly() throws Exception {
        String current = agent.catalog().current("shop").orElseThrow();
        long used = agent.zfs().space(t.root).usedBytes();
        new LocalProcessRunner().run(List.of("zfs", "set", "quota=" + (used + (160L << 20)), t.root));
        try {
            // a build that needs more than is left fails, says so, and leaves no dataset
            JobView j = api.refresh("big");
            while ("RUNNING".equals(j.state())) {
                Thread.sleep(200);
                j = api.job(j.id());
            }
            assertThat(j.state()).isEqualTo("FAILED");
            assertThat(j.error()).startsWith("POOL_FULL").contains("pool is full");
            assertThat(t.datasets()).noneMatch(d -> d.contains("/templates/big/"));
            assertThat(t.containers()).noneMatch(c -> "big".equals(c.labels().get("dolly.template")));
            assertThat(agent.catalog().current("shop")).contains(current);

            // fill what is left; then a clone is refused up front and nothing is made
            String filler = t.root + "/filler";
            agent.zfs().create(filler, Map.of());
            Path f = Path.of(agent.zfs().get(filler, List.of("mountpoint")).orElseThrow().get("mountpoint")).resolve("fill");
            try (OutputStream out = Files.newOutputStream(f)) {
                byte[] mb = new byte[1 << 20];
                for (int i = 0; i < 400; i++) {
                    out.write(mb);
                }
            } catch (IOException expected) {
                // quota reached
            }
            Thread.sleep(1000);
            List<String> before = cloneDatasets();
            assertThatThrownBy(() -> api.create(req("no-room", "shop"))).isInstanceOfSatisfying(AgentException.Refused.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.POOL_FULL);
                assertThat(e.getMessage()).contains("destroy clones or old snapshots");
            });
            assertThat(cloneDatasets()).isEqualTo(before);
            assertThat(t.containers()).noneMatch(c -> "no-room".equals(c.labels().get("dolly.clone")));
            assertThat(api.health().status()).isEqualTo("pool-full");
            agent.zfs().destroyRecursive(filler);
        } finally {
            new LocalProcessRunner().run(List.of("zfs", "set", "quota=none", t.root));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (agent.zfs().space(t.root).availableBytes() < (200L << 20) && System.nanoTime() < deadline) {
            Thread.sleep(200); // zfs frees space asynchronously
        }
        api.create(req("room-again", "shop"));
        api.destroy("room-again");
    }
}
