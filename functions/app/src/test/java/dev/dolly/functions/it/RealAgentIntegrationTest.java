package dev.dolly.functions.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.agent.api.CloneView;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.control.api.CloneInfo;
import dev.dolly.control.api.CloneState;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Notifier;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.Harness;
import dev.dolly.functions.MutableClock;
import dev.dolly.functions.agent.AgentClients;
import dev.dolly.functions.service.Reaper;
import dev.dolly.functions.store.TemplateItem;
import dev.dolly.functions.web.HttpAnswer;
import dev.dolly.functions.web.Signed;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Happy paths against a REAL host agent on the real pool and Docker engine: scheduled refresh,
 * the CI webhook's create → connect → reset → destroy, idempotent retries, 50 concurrent creates of
 * one name, savepoints and passwords, reconciliation and expiry.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealAgentIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Principal UDEV = Principal.slackUser("UDEV", Set.of());
    private static final Principal UADMIN = Principal.slackUser("UADMIN", Set.of());

    private RealAgent agent;
    private Harness h;
    private final List<CommandResult.RefreshInfo> finished = new CopyOnWriteArrayList<>();
    private CommandResult.RefreshInfo firstStart, secondStart;

    @BeforeAll
    void start() throws Exception {
        agent = new RealAgent(23000, 23049);
        h = new Harness(Harness.yaml(agent.hostsYaml("local")), MutableClock.systemNow(), AgentClients.Settings.defaults());
        h.notifier(new Notifier() {
            public void refreshProgress(CommandResult.RefreshInfo refresh) {}
            public void refreshFinished(CommandResult.RefreshInfo refresh) { finished.add(refresh); }
            public void expiryWarning(String owner, CloneInfo clone, Instant expiresAt) {}
        });
        // the scheduled refresh builds the template's first snapshot; a second event while it runs starts nothing
        firstStart = (CommandResult.RefreshInfo) h.service.execute(Principal.scheduler(), Front.SCHEDULE, new Command.Refresh("shop"));
        secondStart = (CommandResult.RefreshInfo) h.service.execute(Principal.scheduler(), Front.SCHEDULE, new Command.Refresh("shop"));
        TemplateItem t = RefreshWait.until(h.store, h.refreshes, "shop", Duration.ofMinutes(4));
        assertThat(t.getRefreshState()).as("refresh: %s", t.getRefreshError()).isEqualTo("SUCCEEDED");
    }

    @AfterAll
    void stop() {
        if (h != null) h.close();
        if (agent != null) agent.close();
    }

    @BeforeEach
    void realTime() {
        h.clock.set(Instant.now());
    }

    private HttpAnswer ci(String key, String secret, String body, String idem) {
        return ci(key, secret, body, idem, 0);
    }

    /**
     * The signature covers "<timestamp>.<body>": the same body signed in the same second IS a replay and gets
     * the first answer. Distinct deliveries of one body are signed with distinct timestamps ({@code ageSeconds}).
     */
    private HttpAnswer ci(String key, String secret, String body, String idem, int ageSeconds) {
        return h.webhook.handle(Signed.call(key, secret, h.clock.instant().getEpochSecond() - ageSeconds, body, idem));
    }

    private static Connection connect(JsonNode a, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", a.get("user").asText());
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + a.get("port").asInt() + "/" + a.get("database").asText(), p);
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private List<String> agentClones() {
        return h.agents.get("local").clones().stream().map(CloneView::id).toList();
    }

    @Test
    void scheduledRefreshRanOnceAndNotified() {
        assertThat(firstStart.state()).isEqualTo("RUNNING");
        assertThat(secondStart.job()).as("a running refresh is not started twice").isEqualTo(firstStart.job());
        assertThat(finished).extracting(CommandResult.RefreshInfo::state).containsExactly("SUCCEEDED");
        TemplateItem t = h.store.template("shop");
        assertThat(t.getCurrentSnapshot()).isNotBlank();
        CommandResult.SnapshotList snaps = (CommandResult.SnapshotList) h.service.execute(UDEV, Front.SLACK, new Command.Snapshots("shop"));
        assertThat(snaps.snapshots()).extracting(CommandResult.SnapshotInfo::id).contains(t.getCurrentSnapshot());
        assertThat(h.store.snapshotsOf("shop")).as("heartbeats record snapshot items")
                .anySatisfy(si -> {
                    assertThat(si.getId()).isEqualTo(t.getCurrentSnapshot());
                    assertThat(si.getHosts()).containsExactly("local");
                    assertThat(si.isCurrent()).isTrue();
                });
        CommandResult.TemplateList templates = (CommandResult.TemplateList) h.service.execute(UDEV, Front.SLACK, new Command.Templates());
        assertThat(templates.templates()).anySatisfy(i -> assertThat(i.currentSnapshot()).isEqualTo(t.getCurrentSnapshot()));
    }

    @Test
    void ciCreateConnectResetDestroy() throws Exception {
        HttpAnswer created = ci("ci-dev", "dev-secret",
                "{\"action\":\"create\",\"template\":\"shop\",\"clone\":\"ci-flow\",\"ttl\":\"2h\",\"wait\":true}", "flow-1");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode a = JSON.readTree(created.body());
        assertThat(a.get("state").asText()).isEqualTo("READY");
        assertThat(a.get("host").asText()).isEqualTo("localhost");
        assertThat(a.get("port").asInt()).isBetween(23000, 23049);
        assertThat(a.get("database").asText()).isEqualTo("shop");
        assertThat(a.get("connectionString").asText()).doesNotContain(a.get("password").asText());
        String password = a.get("password").asText();
        try (Connection c = connect(a, password)) {
            assertThat(count(c, "select count(*) from customer")).isEqualTo(500);
            try (Statement s = c.createStatement()) {
                s.execute("delete from orders");
            }
            assertThat(count(c, "select count(*) from orders")).isZero();
        }
        HttpAnswer reset = ci("ci-dev", "dev-secret", "{\"action\":\"reset\",\"clone\":\"ci-flow\"}", null);
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        assertThat(JSON.readTree(reset.body()).has("password")).as("password on create only").isFalse();
        try (Connection c = connect(a, password)) {
            assertThat(count(c, "select count(*) from orders")).as("the reset brought the rows back").isEqualTo(2000);
        }
        HttpAnswer status = ci("ci-dev", "dev-secret", "{\"action\":\"status\",\"clone\":\"ci-flow\"}", null);
        assertThat(JSON.readTree(status.body()).get("state").asText()).isEqualTo("READY");

        assertThat(agent.cloneDatasets("ci-flow")).as("the clone's dataset, named for it or for the spare it was made from").isNotEmpty();
        HttpAnswer destroyed = ci("ci-dev", "dev-secret", "{\"action\":\"destroy\",\"clone\":\"ci-flow\"}", null);
        assertThat(destroyed.status()).as(destroyed.body()).isEqualTo(200);
        assertThat(agentClones()).doesNotContain("ci-flow");
        // the agent answers a destroy once the clone is unreachable; its dataset goes right after
        long until = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (!agent.cloneDatasets("ci-flow").isEmpty() && System.nanoTime() < until) {
            Thread.sleep(200);
        }
        assertThat(agent.cloneDatasets("ci-flow")).isEmpty();
        assertThat(h.store.clone("ci-flow")).isNull();
        assertThat(ci("ci-dev", "dev-secret", "{\"action\":\"status\",\"clone\":\"ci-flow\"}", null, 1).status()).isEqualTo(404);
        assertThat(h.store.auditOf("clone:ci-flow")).extracting(x -> x.getAction() + ":" + x.getOutcome())
                .contains("create:ready", "reset:done", "destroy:done");
    }

    @Test
    void idempotentRetryReturnsTheFirstAnswerAndCreatesNothing() throws Exception {
        String body = "{\"action\":\"create\",\"template\":\"shop\",\"clone\":\"ci-idem\",\"ttl\":\"1h\"}";
        HttpAnswer first = ci("ci-dev", "dev-secret", body, "idem-key-1");
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        // a new timestamp: a new signature, as a CI retry would send (an exact replay would get no password)
        HttpAnswer retry = ci("ci-dev", "dev-secret", body, "idem-key-1", 1);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.headers()).containsEntry("Idempotent-Replayed", "true");
        assertThat(agentClones().stream().filter("ci-idem"::equals)).hasSize(1);
        assertThat(h.store.auditOf("clone:ci-idem")).filteredOn(x -> x.getAction().equals("create") && x.getOutcome().equals("ready")).hasSize(1);
        // the stored answer holds the password only sealed
        assertThat(h.store.idempotency("ci:ci-dev", "idem-key-1").getAnswer()).doesNotContain(JSON.readTree(first.body()).get("password").asText());
        // the same key with another body is refused
        HttpAnswer other = ci("ci-dev", "dev-secret", body.replace("1h", "2h"), "idem-key-1");
        assertThat(other.status()).isEqualTo(400);
        assertThat(ci("ci-dev", "dev-secret", "{\"action\":\"destroy\",\"clone\":\"ci-idem\"}", null).status()).isEqualTo(200);
    }

    @Test
    void fiftyConcurrentCreatesOfOneNameMakeOneCloneAndOneCharge() throws Exception {
        String body = "{\"action\":\"create\",\"template\":\"shop\",\"clone\":\"ci-race\",\"ttl\":\"1h\"}";
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<HttpAnswer>> fs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                fs.add(pool.submit((Callable<HttpAnswer>) () -> {
                    go.await();
                    return ci("ci-dev2", "dev2-secret", body, "race-" + n, n); // 50 distinct signatures
                }));
            }
            go.countDown();
            int withPassword = 0;
            for (Future<HttpAnswer> f : fs) {
                HttpAnswer a = f.get();
                assertThat(a.status()).as(a.body()).isIn(200, 201);
                JsonNode b = JSON.readTree(a.body());
                assertThat(b.get("clone").asText()).isEqualTo("ci-race");
                if (b.has("password")) withPassword++;
            }
            assertThat(withPassword).as("exactly one create made the clone").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(agentClones().stream().filter("ci-race"::equals)).hasSize(1);
        assertThat(h.store.quota("ci:ci-dev2").getClones()).isEqualTo(1);
        assertThat(h.store.clone("ci-race").getState()).isEqualTo(CloneState.READY);
        // someone else asking for the same name gets 409
        assertThat(ci("ci-dev", "dev-secret", body, "race-other").status()).isEqualTo(409);
        assertThat(ci("ci-dev2", "dev2-secret", "{\"action\":\"destroy\",\"clone\":\"ci-race\"}", null).status()).isEqualTo(200);
        assertThat(h.store.quota("ci:ci-dev2").getClones()).isZero();
    }

    @Test
    void savepointRollbackPasswordProtectExtend() throws Exception {
        CommandResult.CloneResult c = (CommandResult.CloneResult) h.service.execute(UDEV, Front.SLACK,
                new Command.Create("shop", "sp-clone", Duration.ofHours(2), null, true));
        JsonNode view = JSON.valueToTree(java.util.Map.of("user", c.info().user(), "port", c.info().port(), "database", c.info().database()));
        try (Connection k = connect(view, c.password()); Statement s = k.createStatement()) {
            s.execute("insert into customer values (9001, 'kept@example.com', 'Kept')");
        }
        h.service.execute(UDEV, Front.SLACK, new Command.Savepoint("sp-clone", "before"));
        try (Connection k = connect(view, c.password()); Statement s = k.createStatement()) {
            s.execute("delete from orders");
            s.execute("delete from customer where id > 100 and id < 9000");
        }
        h.service.execute(UDEV, Front.SLACK, new Command.Rollback("sp-clone", "before"));
        try (Connection k = connect(view, c.password())) {
            assertThat(count(k, "select count(*) from customer")).isEqualTo(501);
            assertThat(count(k, "select count(*) from orders")).isEqualTo(2000);
        }
        CommandResult.CloneResult rotated = (CommandResult.CloneResult) h.service.execute(UDEV, Front.SLACK, new Command.Password("sp-clone"));
        assertThat(rotated.password()).isNotBlank().isNotEqualTo(c.password());
        try (Connection k = connect(view, rotated.password())) {
            assertThat(count(k, "select 1")).isEqualTo(1);
        }
        assertThatThrownBy(() -> connect(view, c.password()).close()).isInstanceOf(SQLException.class);

        assertThatThrownBy(() -> h.service.execute(UDEV, Front.SLACK, new Command.Protect("sp-clone", true)))
                .hasMessageContaining("role admin");
        h.service.execute(UADMIN, Front.SLACK, new Command.Protect("sp-clone", true));
        assertThat(h.agents.get("local").clone("sp-clone").protectedClone()).isTrue();
        CommandResult.CloneResult ext = (CommandResult.CloneResult) h.service.execute(UDEV, Front.SLACK,
                new Command.Extend("sp-clone", Duration.ofHours(3)));
        assertThat(ext.info().expiresAt()).isAfter(c.info().expiresAt().plus(Duration.ofHours(2)));
        h.service.execute(UDEV, Front.SLACK, new Command.Destroy("sp-clone"));
        assertThat(agentClones()).doesNotContain("sp-clone");
    }

    @Test
    void reconciliationMarksGhostsReportsUnknownsAndTheReaperExpires() throws Exception {
        int quotaBefore = h.store.quota("slack:UDEV").getClones();
        // a clone the control plane never recorded
        h.agents.get("local").create(new CreateCloneRequest("stray", "shop", null, "someone", null, false));
        // a recorded clone that vanishes from its host
        h.service.execute(UDEV, Front.SLACK, new Command.Create("shop", "ghosty", Duration.ofHours(2), null, true));
        h.agents.get("local").destroy("ghosty");
        // a clone about to expire
        h.service.execute(UDEV, Front.SLACK, new Command.Create("shop", "brief", Duration.ofMinutes(2), null, true));

        h.clock.advance(Duration.ofMinutes(3)); // past the reconcile grace and brief's TTL; inside the agent's signature window
        Reaper.Report r = h.reaper.run();
        assertThat(r.unknown()).contains("local/stray");
        assertThat(r.ghosts()).containsExactly("ghosty");
        assertThat(r.expired()).contains("brief");
        assertThat(h.store.clone("ghosty").getState()).isEqualTo(CloneState.FAILED);
        assertThat(h.store.clone("ghosty").isGhost()).isTrue();
        assertThat(h.store.clone("brief")).isNull();
        assertThat(agentClones()).doesNotContain("brief").contains("stray");

        h.clock.set(Instant.now());
        h.service.execute(UDEV, Front.SLACK, new Command.Destroy("ghosty"));
        h.agents.get("local").destroy("stray");
        assertThat(h.store.quota("slack:UDEV").getClones()).isEqualTo(quotaBefore);
    }
}
