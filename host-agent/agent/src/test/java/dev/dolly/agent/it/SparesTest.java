package dev.dolly.agent.it;

import static dev.dolly.agent.it.ItAgent.count;
import static dev.dolly.agent.it.ItAgent.hostConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dolly.agent.Agent;
import dev.dolly.agent.Faults;
import dev.dolly.agent.Layout;
import dev.dolly.agent.Props;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CloneView;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.client.AgentClient;
import dev.dolly.agent.clone.CloneRecord;
import dev.dolly.agent.clone.spares.Spare;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.docker.ContainerInfo;
import dev.dolly.agent.zfs.ZfsEntry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Warm spares (issue 19) on the real pool and engine: a clone made from a spare is one made the ordinary way (content,
 * port policy, owner's role, confinement); spares of an old snapshot go when a refresh promotes a new one; an agent
 * killed while refilling, or while finishing a spare for a create, leaves no orphan after its restart; with
 * {@code clone.spares: 0} no spare is made.
 */
@Tag("integration")
class SparesTest {
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

    /** {@code warm} with 2 spares, {@code cold} on the same seed with none; agent-wide spares as given. */
    private AgentConfig config(int agentSpares) throws Exception {
        t = new TestRoot();
        Path seed = ItAgent.seed(t.workDir, ItAgent.SHOP_SQL);
        return t.config(21600, 21639, """
                warm:
                  database: shop
                  seed: [ %s ]
                  clone: { memory: 256m, quota: 1g, pids: 200, spares: 2 }
                cold:
                  database: shop
                  seed: [ %s ]
                  clone: { memory: 256m, quota: 1g, pids: 200, spares: 0 }
                """.formatted(seed, seed), "  clone: { spares: %d }\n".formatted(agentSpares));
    }

    @Test
    void aCloneFromASpareIsAnOrdinaryClone() throws Exception {
        agent = ItAgent.start(config(0));
        AgentClient api = ItAgent.client(agent);
        ItAgent.build(api, "warm");
        ItAgent.build(api, "cold");
        awaitSpares("warm", 2);
        assertThat(agent.clones().spares().available("cold")).isZero();

        CloneCredentials w = api.create(new CreateCloneRequest("w1", "warm", null, "slack:U1", null, false));
        CloneCredentials c = api.create(new CreateCloneRequest("c1", "cold", null, "slack:U1", null, false));
        CloneRecord wr = agent.clones().find("w1").orElseThrow();
        CloneRecord cr = agent.clones().find("c1").orElseThrow();
        assertThat(wr.dataset()).as("served from a spare").contains("/clones/" + Layout.SPARE_PREFIX);
        assertThat(cr.dataset()).isEqualTo(agent.layout().clone("c1"));

        // the same view, owner's role, content
        assertThat(w.cloneView().state()).isEqualTo("ready");
        assertThat(w.cloneView().user()).isEqualTo(c.cloneView().user());
        assertThat(w.cloneView().database()).isEqualTo("shop");
        for (CloneCredentials x : List.of(w, c)) {
            try (Connection conn = ItAgent.connect(x)) {
                assertThat(count(conn, "SELECT count(*) FROM customer")).isEqualTo(1000);
                assertThat(count(conn, "SELECT count(*) FROM pg_roles WHERE rolname = current_user AND rolsuper")).isEqualTo(1);
                // the build's key, which every fresh clone of the build shares, is gone: the agent's role has the clone's own
                assertThat(count(conn, "SELECT count(*) FROM pg_authid WHERE rolname = 'dolly_agent' AND rolpassword LIKE 'SCRAM-SHA-256$%'"))
                        .isEqualTo(1);
            }
        }
        assertThat(wr.verifier()).isNotBlank();
        assertThat(wr.hasCreatedSnapshot()).isTrue();
        assertThat(agent.zfs().get(wr.dataset(), List.of("quota")).orElseThrow().getLong("quota", 0)).isEqualTo(1L << 30);

        // port policy and confinement: the same docker settings but for names, ports and data directory
        ContainerInfo wc = agent.clones().container("w1").orElseThrow();
        ContainerInfo cc = agent.clones().container("c1").orElseThrow();
        assertThat(wc.name()).isEqualTo(agent.layout().cloneContainer("w1"));
        assertThat(w.cloneView().port()).isBetween(21600, 21639);
        JsonNode wh = hostConfig(wc.name());
        JsonNode ch = hostConfig(cc.name());
        for (String k : List.of("CapDrop", "CapAdd", "SecurityOpt", "ReadonlyRootfs", "PidsLimit", "Memory", "NanoCpus", "NetworkMode",
                "Init", "ShmSize", "Tmpfs", "Privileged", "RestartPolicy")) {
            assertThat(wh.path(k)).as("HostConfig.%s", k).isEqualTo(ch.path(k));
        }
        assertThat(wh.path("PortBindings").path("5432/tcp").get(0).path("HostIp"))
                .isEqualTo(ch.path("PortBindings").path("5432/tcp").get(0).path("HostIp"));
        assertThat(wh.path("PortBindings").path("5432/tcp").get(0).path("HostPort").asText()).isEqualTo("" + w.cloneView().port());

        // listed as the owner's clone, spares never
        List<String> listed = api.clones().stream().map(CloneView::id).toList();
        assertThat(listed).containsExactlyInAnyOrder("w1", "c1");
        assertThat(agent.catalog().templates().stream().filter(v -> v.name().equals("warm")).findFirst().orElseThrow()
                .snapshots().get(0).clones()).containsExactly("w1");

        // reset, password, destroy work on it as on any clone
        try (Connection conn = ItAgent.connect(w); Statement st = conn.createStatement()) {
            st.execute("DELETE FROM customer");
        }
        api.reset("w1", null);
        try (Connection conn = ItAgent.connect(w)) {
            assertThat(count(conn, "SELECT count(*) FROM customer")).isEqualTo(1000);
        }
        CloneCredentials w2 = api.password("w1");
        try (Connection conn = ItAgent.connect(w2)) {
            assertThat(count(conn, "SELECT 1")).isEqualTo(1);
        }
        // a create with the same id again answers the clone that exists
        assertThat(api.create(new CreateCloneRequest("w1", "warm", null, "slack:U1", null, false)).cloneView().port())
                .isEqualTo(w.cloneView().port());
        api.destroy("w1");
        agent.clones().awaitDestroys(java.time.Duration.ofSeconds(60)); // the dataset goes in the background
        assertThat(agent.zfs().exists(wr.dataset())).isFalse();
        assertThat(t.containers()).noneMatch(x -> x.name().equals(agent.layout().cloneContainer("w1")));
        assertThat(agent.clones().find("w1")).isEmpty();
        // the pool refills
        awaitSpares("warm", 2);
        api.destroy("c1");

        // an agent restart keeps the clone made from a spare (found by its name, not its spare's label)
        CloneCredentials w3 = api.create(new CreateCloneRequest("w3", "warm", null, "slack:U1", null, false));
        assertThat(agent.clones().find("w3").orElseThrow().dataset()).contains(Layout.SPARE_PREFIX);
        agent.close();
        agent = ItAgent.start(agent.config());
        assertThat(agent.clones().find("w3")).isPresent();
        try (Connection conn = ItAgent.connect(w3)) {
            assertThat(count(conn, "SELECT count(*) FROM customer")).isEqualTo(1000);
        }
        assertThat(agent.clones().get("w3").state()).isEqualTo("ready");
        awaitSpares("warm", 2);
    }

    @Test
    void aCreateOfAnOlderSnapshotAndARefreshDoNotUseOldSpares() throws Exception {
        agent = ItAgent.start(config(0));
        AgentClient api = ItAgent.client(agent);
        ItAgent.build(api, "warm");
        awaitSpares("warm", 2);
        String first = agent.catalog().current("warm").orElseThrow();
        List<String> oldSpares = agent.clones().spares().spares().stream().map(Spare::dataset).toList();
        assertThat(oldSpares).hasSize(2);

        ItAgent.build(api, "warm");
        String second = agent.catalog().current("warm").orElseThrow();
        assertThat(second).isNotEqualTo(first);
        awaitSpares("warm", 2);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (oldSpares.stream().anyMatch(agent.zfs()::exists) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(oldSpares).as("the spares of the old snapshot are gone").noneMatch(agent.zfs()::exists);
        assertThat(agent.clones().spares().spares()).allMatch(s -> s.snapshot().equals(second));
        assertThat(spareDatasets()).allMatch(e -> second.equals(e.get(Props.SNAPSHOT)));
        assertThat(t.containers()).filteredOn(c -> Layout.isSpareKey(c.labels().get(Layout.LABEL_CLONE)))
                .allMatch(c -> second.equals(c.labels().get(Layout.LABEL_SNAPSHOT)));

        // --snapshot of the older build: the ordinary path
        api.create(new CreateCloneRequest("old", "warm", first, "u", null, false));
        assertThat(agent.clones().find("old").orElseThrow().dataset()).isEqualTo(agent.layout().clone("old"));
        assertThat(agent.clones().find("old").orElseThrow().snapshot()).isEqualTo(first);
        // of the current one: a spare
        api.create(new CreateCloneRequest("new", "warm", second, "u", null, false));
        assertThat(agent.clones().find("new").orElseThrow().dataset()).contains(Layout.SPARE_PREFIX);
    }

    @Test
    void anAgentKilledWhileRefillingOrTakingLeavesNoOrphan() throws Exception {
        AgentConfig config = config(0);
        List<String> seen = new CopyOnWriteArrayList<>();
        // the first spare's making stops dead after its container was created (as a killed agent would)
        Faults.onStep(p -> {
            seen.add(p);
            if (p.equals("spare.after-docker-create") && seen.stream().filter(p::equals).count() == 1) {
                throw new Faults.Crash(p);
            }
        });
        agent = ItAgent.start(config);
        ItAgent.build(ItAgent.client(agent), "warm");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!seen.contains("spare.after-docker-create") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(seen).contains("spare.after-docker-create");
        Set<String> orphans = spareDatasets().stream().map(ZfsEntry::dataset).collect(Collectors.toSet());
        assertThat(orphans).as("the killed refill left a spare").isNotEmpty();
        Faults.onStep(null);
        restart();
        assertThat(orphans).as("removed on restart").noneMatch(agent.zfs()::exists);
        for (String o : orphans) {
            String key = o.substring(o.lastIndexOf('/') + 1);
            assertThat(t.containers()).noneMatch(c -> key.equals(c.labels().get(Layout.LABEL_CLONE)));
        }
        awaitSpares("warm", 2);
        assertOnlyReadySpares();

        // a create stopped at each step of taking a spare: after a restart, no clone, no orphan, and the retry works
        for (String point : List.of("spare.take.begin", "spare.take.after-role", "spare.take.after-props")) {
            awaitSpares("warm", 2);
            String id = "take-" + point.substring(point.lastIndexOf('.') + 1);
            Faults.onStep(p -> {
                if (p.equals(point)) {
                    throw new Faults.Crash(p);
                }
            });
            try {
                assertThatThrownBy(() -> agent.clones().create(new CreateCloneRequest(id, "warm", null, "u", null, false)))
                        .as("reached %s", point).isInstanceOf(Faults.Crash.class);
            } finally {
                Faults.onStep(null);
            }
            restart();
            assertThat(agent.clones().find(id)).as("no clone after a take stopped at %s", point).isEmpty();
            assertThat(t.containers()).noneMatch(c -> c.name().equals(agent.layout().cloneContainer(id)));
            awaitSpares("warm", 2);
            assertOnlyReadySpares();
            CloneCredentials c = agent.clones().create(new CreateCloneRequest(id, "warm", null, "u", null, false)).credentials();
            try (Connection conn = ItAgent.connect(c)) {
                assertThat(count(conn, "SELECT count(*) FROM customer")).isEqualTo(1000);
            }
            agent.clones().destroy(id);
        }
    }

    @Test
    void withSparesOffNothingChanges() throws Exception {
        // agent-wide 0, and a template that does not say: no spare anywhere
        t = new TestRoot();
        Path seed = ItAgent.seed(t.workDir, ItAgent.SHOP_SQL);
        agent = ItAgent.start(t.config(21600, 21639, "shop:\n  seed: [ %s ]\n".formatted(seed), "  clone: { spares: 0 }\n"));
        AgentClient api = ItAgent.client(agent);
        ItAgent.build(api, "shop");
        Thread.sleep(2000);
        assertThat(agent.clones().spares().target("shop")).isZero();
        assertThat(spareDatasets()).isEmpty();
        assertThat(t.containers()).noneMatch(c -> Layout.isSpareKey(c.labels().get(Layout.LABEL_CLONE)));
        CloneCredentials c = api.create(new CreateCloneRequest("plain", "shop", null, "u", null, false));
        assertThat(agent.clones().find("plain").orElseThrow().dataset()).isEqualTo(agent.layout().clone("plain"));
        assertThat(agent.clones().container("plain").orElseThrow().labels().get(Layout.LABEL_CLONE)).isEqualTo("plain");
        try (Connection conn = ItAgent.connect(c)) {
            assertThat(count(conn, "SELECT count(*) FROM customer")).isEqualTo(1000);
        }
        assertThat(spareDatasets()).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private void restart() throws Exception {
        AgentConfig config = agent.config();
        agent.close();
        agent = ItAgent.start(config);
    }

    private void awaitSpares(String template, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (agent.clones().spares().available(template) < n && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(agent.clones().spares().available(template)).as("ready spares of %s", template).isGreaterThanOrEqualTo(n);
    }

    /** Datasets in state spare under the root. */
    private List<ZfsEntry> spareDatasets() {
        List<ZfsEntry> out = new ArrayList<>();
        for (ZfsEntry e : agent.zfs().get(agent.layout().clones(), true, List.of(Props.STATE, Props.SNAPSHOT)).values()) {
            if (!e.isSnapshot() && Props.STATE_SPARE.equals(e.get(Props.STATE))) {
                out.add(e);
            }
        }
        return out;
    }

    /** Every spare dataset and spare container is one of the pool's ready spares. */
    private void assertOnlyReadySpares() {
        Set<String> ready = agent.clones().spares().spares().stream().map(Spare::dataset).collect(Collectors.toSet());
        assertThat(spareDatasets().stream().map(ZfsEntry::dataset).collect(Collectors.toSet())).isEqualTo(ready);
        Set<String> keys = agent.clones().spares().spares().stream().map(Spare::key).collect(Collectors.toSet());
        assertThat(t.containers().stream().map(c -> c.labels().get(Layout.LABEL_CLONE)).filter(Layout::isSpareKey)
                .filter(k -> t.containers().stream().anyMatch(c -> k.equals(c.labels().get(Layout.LABEL_CLONE))
                        && agent.layout().cloneIdOfContainer(c.name()) == null))
                .collect(Collectors.toSet())).isEqualTo(keys);
    }
}
