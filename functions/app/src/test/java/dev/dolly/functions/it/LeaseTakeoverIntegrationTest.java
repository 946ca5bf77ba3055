package dev.dolly.functions.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.agent.api.CloneView;
import dev.dolly.control.api.CommandPort;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.Harness;
import dev.dolly.functions.MutableClock;
import dev.dolly.functions.agent.AgentClients;
import dev.dolly.functions.config.Secrets;
import dev.dolly.functions.service.Idempotency;
import dev.dolly.functions.store.TemplateItem;
import dev.dolly.functions.web.CiWebhook;
import dev.dolly.functions.web.HttpAnswer;
import dev.dolly.functions.web.HttpCall;
import dev.dolly.functions.web.Signed;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A functions instance killed after it claimed a CI create and before it called the agent: a retry with the
 * same Idempotency-Key, once the dead claim's lease is over, completes the create exactly once on the REAL
 * agent; an exact replay of the retry's signed request then returns the clone without its password.
 * The killed instance is a second control plane (its own idempotency engine and webhook over the same table),
 * stopped at the point of death: its lease renewals end and its thread never reaches the agent.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeaseTakeoverIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LEASE = Duration.ofSeconds(5);
    private static final String CREATE = "{\"action\":\"create\",\"template\":\"shop\",\"clone\":\"lease-once\"}";

    private RealAgent agent;
    private Harness h;

    @BeforeAll
    void start() throws Exception {
        agent = new RealAgent(23100, 23149);
        h = new Harness(Harness.yaml(agent.hostsYaml("local")), MutableClock.systemNow(), AgentClients.Settings.defaults());
        h.service.execute(Principal.scheduler(), Front.SCHEDULE, new dev.dolly.control.api.Command.Refresh("shop"));
        TemplateItem t = RefreshWait.until(h.store, h.refreshes, "shop", Duration.ofMinutes(4));
        assertThat(t.getRefreshState()).as("refresh: %s", t.getRefreshError()).isEqualTo("SUCCEEDED");
    }

    @AfterAll
    void stop() {
        if (h != null) h.close();
        if (agent != null) agent.close();
    }

    @Test
    void killedAfterTheClaimARetryAfterTheLeaseCreatesOnceAndAReplayHasNoPassword() throws Exception {
        h.clock.set(Instant.now());
        // the instance that dies: it claims, then stops before the agent is called
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch die = new CountDownLatch(1);
        CommandPort dying = (principal, front, command, key) -> {
            claimed.countDown();
            try { die.await(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            throw new ThreadDeath();
        };
        Idempotency deadEngine = new Idempotency(h.store, h.clock, LEASE, Duration.ofSeconds(1));
        CiWebhook deadWebhook = new CiWebhook(h.config, Secrets.of(Map.of()), dying, deadEngine, h.clock);
        long t0 = h.clock.instant().getEpochSecond();
        CompletableFuture<HttpAnswer> lost = CompletableFuture.supplyAsync(
                () -> deadWebhook.handle(Signed.call("ci-dev", "dev-secret", t0, CREATE, "lease-k1")));
        assertThat(claimed.await(30, TimeUnit.SECONDS)).isTrue();
        deadEngine.close(); // killed: no more lease renewals

        // within the lease a retry is told the first attempt still runs
        Idempotency live = new Idempotency(h.store, h.clock, LEASE, Duration.ofSeconds(1));
        CiWebhook webhook = new CiWebhook(h.config, Secrets.of(Map.of()), h.service, live, h.clock);
        HttpAnswer early = webhook.handle(Signed.call("ci-dev", "dev-secret", t0 + 1, CREATE, "lease-k1"));
        assertThat(early.status()).isEqualTo(409);
        assertThat(agentClones()).doesNotContain("lease-once");

        // after the lease: the retry completes the create
        h.clock.advance(LEASE.plusSeconds(1));
        HttpCall retry = Signed.call("ci-dev", "dev-secret", t0 + 7, CREATE, "lease-k1");
        HttpAnswer created = webhook.handle(retry);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode b = JSON.readTree(created.body());
        assertThat(b.get("clone").asText()).isEqualTo("lease-once");
        assertThat(b.get("password").asText()).isNotBlank();

        die.countDown();
        assertThat(lost).failsWithin(Duration.ofSeconds(10));

        // an exact replay of the signed retry: the clone, no password, nothing done
        HttpAnswer replay = webhook.handle(retry);
        assertThat(replay.headers()).containsEntry("Idempotent-Replayed", "true");
        JsonNode r = JSON.readTree(replay.body());
        assertThat(r.get("clone").asText()).isEqualTo("lease-once");
        assertThat(r.has("password")).isFalse();
        assertThat(replay.body()).doesNotContain(b.get("password").asText());
        // a further retry with a fresh signature gets the answer in full; the agent holds the clone once
        HttpAnswer again = webhook.handle(Signed.call("ci-dev", "dev-secret", t0 + 8, CREATE, "lease-k1"));
        assertThat(JSON.readTree(again.body()).get("password").asText()).isEqualTo(b.get("password").asText());
        assertThat(agentClones()).filteredOn("lease-once"::equals).hasSize(1);
        assertThat(h.store.allClones()).filteredOn(c -> c.getId().equals("lease-once")).hasSize(1);

        HttpAnswer destroyed = webhook.handle(Signed.call("ci-dev", "dev-secret", t0 + 9, "{\"action\":\"destroy\",\"clone\":\"lease-once\"}", "lease-d1"));
        assertThat(destroyed.status()).as(destroyed.body()).isEqualTo(200);
        live.close();
    }

    private java.util.List<String> agentClones() {
        return h.agents.get("local").clones().stream().map(CloneView::id).toList();
    }
}
