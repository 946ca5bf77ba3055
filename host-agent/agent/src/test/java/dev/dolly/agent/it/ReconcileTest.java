package dev.dolly.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.agent.Agent;
import dev.dolly.agent.Layout;
import dev.dolly.agent.Props;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.client.AgentClient;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.docker.ContainerInfo;
import dev.dolly.agent.docker.ContainerSpec;
import dev.dolly.agent.reconcile.Reconciler;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Restarts rebuild everything from the pool and docker labels: an agent process killed in the
 * middle of a create or a build leaves no orphans once it is started again; containers without
 * datasets go, clones without running containers are started again; in-place restarts of the
 * server leave no zombies and a docker stop shuts PostgreSQL down cleanly.
 */
@Tag("integration")
class ReconcileTest {
    private static TestRoot t;
    private static AgentConfig config;
    private static Path configFile;
    private static final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        t = new TestRoot();
        Path seed = ItAgent.seed(t.workDir.resolve("shop"), ItAgent.SHOP_SQL);
        Path slow = Files.createDirectories(t.workDir.resolve("slow"));
        Files.writeString(slow.resolve("1.sql"), "SELECT pg_sleep(120);\n");
        String templates = """
                shop:
                  seed: [ %s ]
                slow:
                  seed: [ %s ]
                """.formatted(seed, slow);
        config = t.config(21200, 21219, templates);
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        configFile = t.workDir.resolve("dolly.yaml");
        Files.writeString(configFile, """
                agent:
                  listen: 127.0.0.1:%d
                  pool: %s
                  ports: 21220-21239
                  workDir: %s
                  secretEnv: DOLLY_IT_SECRET
                  buildMissingTemplates: false
                  activityInterval: 0s
                  clone: { spares: 0 }
                templates:
                %s""".formatted(port, t.root, t.workDir, templates.indent(2)));
        try (Agent a = ItAgent.start(config)) {
            ItAgent.build(ItAgent.client(a), "shop");
        }
    }

    @AfterAll
    static void tearDown() {
        processes.forEach(Process::destroyForcibly);
        if (t != null) {
            t.close();
        }
    }

    /** The agent as its own OS process ({@code java … AgentMain --config}), optionally with a fault point. */
    private static Process startProcess(String fault) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        if (fault != null) {
            cmd.add("-Ddolly.agent.fault=" + fault);
        }
        cmd.addAll(List.of("dev.dolly.agent.AgentMain", "--config", configFile.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(t.workDir.resolve("agent-" + processes.size() + ".log").toFile());
        pb.environment().put("DOLLY_IT_SECRET", new String(TestRoot.SECRET, StandardCharsets.UTF_8));
        Process p = pb.start();
        processes.add(p);
        URI health = URI.create("http://" + listen() + "/v1/health");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (HttpClient.newHttpClient().send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return p;
                }
            } catch (java.io.IOException e) {
                // not up yet
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("agent process exited: " + Files.readString(t.workDir.resolve("agent-" + (processes.size() - 1) + ".log")));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("agent process did not come up");
    }

    private static String listen() throws Exception {
        String y = Files.readString(configFile);
        return y.substring(y.indexOf("listen: ") + 8, y.indexOf('\n', y.indexOf("listen: ")));
    }

    private static AgentClient processClient() throws Exception {
        return new AgentClient("localhost", URI.create("http://" + listen()), TestRoot.SECRET, Clock.systemUTC());
    }

    private static void killHard(Process p) throws Exception {
        p.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private static boolean waitFor(java.util.function.BooleanSupplier cond, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (cond.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return cond.getAsBoolean();
    }

    private static boolean leftovers(String cloneId) {
        return t.datasets().stream().anyMatch(d -> d.contains("/clones/" + cloneId))
                || t.containers().stream().anyMatch(c -> cloneId.equals(c.labels().get(Layout.LABEL_CLONE)));
    }

    @Test
    void agentKilledInTheMiddleOfACreateLeavesNoOrphansAfterARestart() throws Exception {
        for (String point : List.of("create.after-clone", "create.after-container")) {
            String id = "killed-" + (point.endsWith("clone") ? "a" : "b");
            Process p = startProcess(point + "=120s");
            AgentClient api = processClient();
            CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> {
                try {
                    return api.create(new CreateCloneRequest(id, "shop", null, "u", null, false));
                } catch (RuntimeException e) {
                    return e;
                }
            });
            boolean midway = waitFor(() -> point.endsWith("clone")
                    ? t.datasets().contains(t.root + "/clones/" + id + "@created")
                    : t.containers().stream().anyMatch(c -> id.equals(c.labels().get(Layout.LABEL_CLONE)) && c.running()), Duration.ofSeconds(60));
            assertThat(midway).as("the create reached %s", point).isTrue();
            killHard(p);
            assertThat(call.get(30, TimeUnit.SECONDS)).isInstanceOf(RuntimeException.class);
            assertThat(leftovers(id)).as("half-made clone is there before the restart").isTrue();

            Process again = startProcess(null); // reconciles before it serves
            assertThat(leftovers(id)).as("no orphans of %s after a restart", point).isFalse();
            // the id and the port are usable again
            AgentClient api2 = processClient();
            CloneCredentials c = api2.create(new CreateCloneRequest(id, "shop", null, "u", null, false));
            try (Connection conn = ItAgent.connect(c); Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM customer")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1000);
            }
            api2.destroy(id);
            killHard(again);
        }
    }

    @Test
    void agentKilledInTheMiddleOfAResetFinishesItAfterARestart() throws Exception {
        Process p = startProcess("reset.after-stop=120s");
        AgentClient api = processClient();
        CloneCredentials c = api.create(new CreateCloneRequest("mid-reset", "shop", null, "u", null, false));
        try (Connection conn = ItAgent.connect(c); Statement st = conn.createStatement()) {
            st.execute("INSERT INTO customer VALUES (9999, 'gone@example.com')");
        }
        CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> {
            try {
                return api.reset("mid-reset", null);
            } catch (RuntimeException e) {
                return e;
            }
        });
        // the server is held down (the container runs on) and the reset is recorded on the dataset
        boolean midway = waitFor(() -> "created".equals(t.zfs.get(t.root + "/clones/mid-reset", List.of(dev.dolly.agent.Props.RESETTING))
                .map(e -> e.get(dev.dolly.agent.Props.RESETTING)).orElse(null)), Duration.ofSeconds(60));
        assertThat(midway).as("the reset reached reset.after-stop").isTrue();
        Thread.sleep(500);
        killHard(p);
        assertThat(call.get(30, TimeUnit.SECONDS)).isInstanceOf(RuntimeException.class);

        Process again = startProcess(null); // reconciles before it serves: finishes the reset
        try (Connection conn = ItAgent.connect(c); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM customer")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the reset is finished: the write is gone, the owner's password works").isEqualTo(1000);
        }
        assertThat(t.zfs.get(t.root + "/clones/mid-reset", List.of(dev.dolly.agent.Props.RESETTING)).orElseThrow()
                .get(dev.dolly.agent.Props.RESETTING)).isNull();
        processClient().destroy("mid-reset");
        killHard(again);
    }

    @Test
    void agentKilledBetweenHoldingAServerDownAndMarkingADestroyServesTheDataAgain() throws Exception {
        // a destroy writes its mark while the server stops: killed in between, the clone is ready, unmarked, its container
        // runs and its server is held down. Nothing was thrown away: the next start serves the data again.
        Process p = startProcess(null);
        AgentClient api = processClient();
        CloneCredentials c = api.create(new CreateCloneRequest("held-down", "shop", null, "u", null, false));
        try (Connection conn = ItAgent.connect(c); Statement st = conn.createStatement()) {
            st.execute("INSERT INTO customer VALUES (9998, 'kept@example.com')");
        }
        String name = new Layout(t.root).cloneContainer("held-down"); // made from a spare or not, the clone's container has its name
        ContainerInfo ci = t.containers().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        killHard(p);
        dev.dolly.agent.docker.PostgresContainers pg = new dev.dolly.agent.docker.PostgresContainers(t.containers);
        assertThat(pg.holdDown(ci.id(), Duration.ofSeconds(15))).as("the server is held down as a destroy holds it").isTrue();
        assertThat(pg.isHeld(ci.id())).isTrue();

        Process again = startProcess(null); // reconciles before it serves
        try (Connection conn = ItAgent.connect(c); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM customer")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the server serves the clone's data again, the write included").isEqualTo(1001);
        }
        assertThat(pg.isHeld(ci.id())).isFalse();
        processClient().destroy("held-down");
        killHard(again);
    }

    @Test
    void agentKilledDuringABuildLeavesNoHalfBuiltSnapshot() throws Exception {
        Process p = startProcess(null);
        AgentClient api = processClient();
        JobView j = api.refresh("slow");
        assertThat(waitFor(() -> "seed".equals(api.job(j.id()).phase()), Duration.ofSeconds(60))).isTrue();
        assertThat(t.datasets()).anyMatch(d -> d.contains("/templates/slow/"));
        killHard(p);
        Process again = startProcess(null);
        assertThat(t.datasets()).noneMatch(d -> d.contains("/templates/slow/"));
        assertThat(t.containers()).noneMatch(c -> "slow".equals(c.labels().get(Layout.LABEL_TEMPLATE)));
        assertThat(t.workDir.toFile().list((d, n) -> n.startsWith("boot."))).isEmpty();
        killHard(again);
    }

    @Test
    void containersAndDatasetsAreBroughtBackInLine() throws Exception {
        String gone;
        String stopped;
        try (Agent a = ItAgent.start(config)) {
            AgentClient api = ItAgent.client(a);
            api.create(new CreateCloneRequest("lost-container", "shop", null, "u", null, false));
            api.create(new CreateCloneRequest("stopped", "shop", null, "u", null, false));
            gone = a.clones().container("lost-container").orElseThrow().id();
            stopped = a.clones().container("stopped").orElseThrow().id();
        }
        t.containers.removeForce(gone);
        t.containers.stop(stopped, Duration.ofSeconds(30));
        // a container of a clone that does not exist, and a half-made clone dataset
        Map<String, String> labels = Map.of(Layout.LABEL_ROOT, t.root, Layout.LABEL_KIND, Layout.KIND_CLONE, Layout.LABEL_CLONE, "ghost");
        t.containers.create(new ContainerSpec(t.root.replace('/', '.') + ".clone.ghost", "dolly/postgres:15", List.of("true"),
                "postgres", labels, Map.of(), null, 0, false, 0));
        String current;
        try (Agent a = new Agent(config, Map.of(), Clock.systemUTC())) {
            current = a.catalog().current("shop").orElseThrow();
            a.zfs().clone(a.layout().readySnapshot("shop", current), a.layout().clone("half"), Map.of(Props.STATE, Props.STATE_CREATING, Props.PORT, "21205"));
            a.zfs().inherit(a.layout().template("shop"), Props.CURRENT); // lose the current pointer
        }

        try (Agent a = new Agent(config, Map.of(), Clock.systemUTC())) {
            Reconciler.Report r = a.start();
            assertThat(r.removedClones()).containsExactly("half");
            assertThat(r.removedContainers()).anyMatch(n -> n.endsWith(".clone.ghost"));
            assertThat(r.startedClones()).containsExactlyInAnyOrder("lost-container", "stopped");
            assertThat(r.repointedTemplates()).containsExactly("shop/" + current);
            assertThat(a.catalog().current("shop")).contains(current);
            assertThat(t.datasets()).noneMatch(d -> d.contains("/clones/half"));
            assertThat(t.containers()).noneMatch(c -> "ghost".equals(c.labels().get(Layout.LABEL_CLONE)));
            AgentClient api = ItAgent.client(a);
            for (String id : List.of("lost-container", "stopped")) {
                CloneCredentials c = api.password(id);
                try (Connection conn = ItAgent.connect(c); Statement st = conn.createStatement();
                     ResultSet rs = st.executeQuery("SELECT count(*) FROM customer")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(1000);
                }
                assertThat(api.clone(id).state()).isEqualTo("ready");
            }
            // nothing left to do the second time
            assertThat(a.reconciler().reconcile().changedAnything()).isFalse();
            api.destroy("lost-container");
            api.destroy("stopped");
        }
    }

    @Test
    void inPlaceRestartsLeaveNoZombiesAndDockerStopShutsPostgresDownCleanly() throws Exception {
        try (Agent a = ItAgent.start(config)) {
            AgentClient api = ItAgent.client(a);
            CloneCredentials c = api.create(new CreateCloneRequest("restarts", "shop", null, "u", null, false));
            String id = a.clones().container("restarts").orElseThrow().id();
            var docker = dev.dolly.agent.docker.Docker.forHost("unix:///var/run/docker.sock").client();
            api.reset("restarts", null);
            Thread.sleep(500);
            String[][] first = docker.topContainerCmd(id).exec().getProcesses();
            for (int i = 0; i < 5; i++) {
                api.reset("restarts", null);
            }
            Thread.sleep(500);
            assertThat(a.clones().container("restarts").orElseThrow().id()).isEqualTo(id); // same container throughout
            String[][] procs = docker.topContainerCmd(id).exec().getProcesses();
            assertThat(procs.length).as("processes after 1 reset %s, after 6 %s", java.util.Arrays.deepToString(first),
                    java.util.Arrays.deepToString(procs)).isEqualTo(first.length);
            for (String[] proc : procs) {
                String pid = proc[1];
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                assertThat(stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)).as("state of %s", String.join(" ", proc)).isNotEqualTo("Z");
            }
            try (Connection conn = ItAgent.connect(c)) {
                assertThat(conn.isValid(2)).isTrue();
            }
            t.containers.stop(id, Duration.ofSeconds(30));
            var state = t.containers.inspect(id).orElseThrow();
            assertThat(state.running()).isFalse();
            assertThat(state.exitCode()).isZero();
            assertThat(t.containers.logTail(id, 20)).contains("database system is shut down");
            assertThat(Path.of("/" + a.layout().clone("restarts")).resolve("postmaster.pid")).doesNotExist();
            api.destroy("restarts");
        }
    }
}
