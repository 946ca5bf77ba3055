package dev.dolly.functions.events;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.dolly.agent.api.HealthResponse;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.signing.SigningScheme;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.Harness;
import dev.dolly.functions.MutableClock;
import dev.dolly.functions.agent.AgentClients;
import dev.dolly.functions.store.DeliveryItem;
import dev.dolly.functions.store.DeliveryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntUnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Event webhooks out, against a real receiver (the JDK's HTTP server) and a stand-in agent (WireMock), on DynamoDB Local:
 * every event type arrives once, signed; a receiver that fails five times gets the event on the sixth attempt; a receiver
 * that hangs does not slow the command whose event it should receive.
 */
class WebhookEventsTest {
    private static final String SECRET = "whsec-test-0123456789";
    private static final String CANARY_PASSWORD = "pw-canary-5a1f";
    private static final Principal DEV = Principal.ciKey("ci-dev");
    private static final Principal ADMIN = Principal.ciKey("ci-admin");
    private final ObjectMapper json = new ObjectMapper();
    private WireMockServer agent;
    private Harness h;
    private Receiver receiver;
    private WebhookDeliveries deliveries;
    private DeliveryStore records;

    @BeforeEach
    void setUp() {
        agent = new WireMockServer(options().dynamicPort());
        agent.start();
        String hosts = "hosts:\n  - { name: h1, url: \"http://127.0.0.1:" + agent.port() + "\", secret: agent-secret }\n";
        h = new Harness(Harness.yaml(hosts), MutableClock.systemNow(), AgentClients.Settings.defaults());
        h.seedHealthyHost("h1", "shop");
        records = new DeliveryStore(h.dynamo.client(), "dolly");
        agent.stubFor(get(urlPathEqualTo("/v1/health")).willReturn(okJson(
                "{\"status\":\"ok\",\"host\":\"localhost\",\"version\":\"t\",\"poolFreeBytes\":900,\"poolSizeBytes\":1000,\"clones\":0}")));
        agent.stubFor(get(urlPathEqualTo("/v1/templates")).willReturn(okJson(
                "[{\"name\":\"shop\",\"database\":\"shop\",\"currentSnapshot\":\"s1\",\"snapshots\":[]}]")));
        agent.stubFor(post(urlPathEqualTo("/v1/clones")).willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                .withBody("{\"cloneView\":" + cloneView("ev-1") + ",\"password\":\"" + CANARY_PASSWORD + "\"}")));
        agent.stubFor(post(urlPathMatching("/v1/clones/ev-1/reset")).willReturn(okJson(cloneView("ev-1"))));
        agent.stubFor(delete(urlPathMatching("/v1/clones/.*")).willReturn(aResponse().withStatus(204)));
        agent.stubFor(get(urlPathEqualTo("/v1/clones")).willReturn(okJson("[]")));
        agent.stubFor(post(urlPathEqualTo("/v1/templates/shop/refresh")).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"shop-job\",\"template\":\"shop\",\"state\":\"RUNNING\",\"phase\":\"guard\"}")));
        agent.stubFor(post(urlPathEqualTo("/v1/templates/crm/refresh")).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"crm-job\",\"template\":\"crm\",\"state\":\"RUNNING\",\"phase\":\"guard\"}")));
    }

    private static String cloneView(String id) {
        return "{\"id\":\"" + id + "\",\"template\":\"shop\",\"snapshot\":\"s1\",\"host\":\"localhost\",\"port\":6001,\"database\":\"shop\","
                + "\"user\":\"dolly\",\"owner\":\"ci:ci-dev\",\"state\":\"READY\"}";
    }

    /** Webhooks to the receiver, retried quickly (20 ms doubling), each attempt waiting {@code timeout}. */
    private void webhooks(IntUnaryOperator answer, int attempts, Duration timeout) throws Exception {
        receiver = new Receiver(answer);
        WebhookEndpoint endpoint = new WebhookEndpoint("test", receiver.url(), SECRET, EnumSet.allOf(EventType.class));
        deliveries = new WebhookDeliveries(List.of(endpoint), records, h.clock,
                new WebhookDeliveries.Retry(Duration.ofMillis(20), Duration.ofMillis(200), attempts, timeout));
        h.service.events(deliveries);
        h.refreshes.events(deliveries);
        h.monitor.events(deliveries);
    }

    @AfterEach
    void tearDown() {
        if (deliveries != null) deliveries.close();
        if (receiver != null) receiver.close();
        h.close();
        agent.stop();
    }

    @Test
    void everyEventTypeArrivesOnceSignedWithItsDeliveryId() throws Exception {
        webhooks(n -> 200, 3, Duration.ofSeconds(5));

        h.service.execute(DEV, Front.CI, new Command.Create("shop", "ev-1", Duration.ofHours(1), null, false));  // clone.created
        h.service.execute(DEV, Front.CI, new Command.Reset("ev-1", null));                                         // clone.reset
        h.service.execute(DEV, Front.CI, new Command.Destroy("ev-1"));                                             // clone.destroyed
        try {
            h.service.execute(DEV, Front.CI, new Command.Create("shop", "ev-2", Duration.ofHours(48), null, false)); // over maxTtl 24h
        } catch (DollyException expected) {
            // quota.exceeded
        }
        // delivered before the clock jumps two hours (the reaper would take a delivery pending since then as abandoned)
        await(() -> records.all().size() == 4 && records.all().stream().allMatch(d -> DeliveryItem.DELIVERED.equals(d.getState())),
                "the first four events delivered");
        h.seedClone("ev-old", "ci:ci-dev", "shop", null, Duration.ofHours(1));
        h.clock.advance(Duration.ofHours(2));
        assertThat(h.reaper.run().expired()).containsExactly("ev-old");                                             // clone.expired (+ destroyed)
        h.refreshes.start("shop", "ci:ci-admin", Front.CI);                                                          // refresh.started
        h.refreshes.record("h1", job("shop-job", "shop", "SUCCEEDED", "s2", null));                                  // refresh.succeeded
        h.refreshes.start("crm", "ci:ci-admin", Front.CI);
        h.refreshes.record("h1", job("crm-job", "crm", "FAILED", null, "REFRESH_FAILED: phase data: source unreachable")); // refresh.failed
        h.monitor.pushed("h1", new HealthResponse("ok", "localhost", "t", 50, 1000, 0));                            // pool.alert
        h.monitor.pushed("h1", new HealthResponse("ok", "localhost", "t", 40, 1000, 0));                            // still low: no new alert

        Set<String> all = Arrays.stream(EventType.values()).map(EventType::wire).collect(Collectors.toSet());
        await(() -> receiver.got().stream().map(g -> g.header("X-Dolly-Event")).collect(Collectors.toSet()).containsAll(all)
                && records.all().stream().allMatch(d -> DeliveryItem.DELIVERED.equals(d.getState())), "every event type delivered");
        Thread.sleep(200); // nothing more (no duplicate) should follow

        List<Receiver.Got> got = receiver.got();
        for (Receiver.Got g : got) {
            long ts = Long.parseLong(g.header("X-Dolly-Timestamp"));
            assertThat(g.header("X-Dolly-Signature")).as("signed like the CI webhook")
                    .isEqualTo(SigningScheme.CI.sign(SECRET, ts, g.body()));
            assertThat(ts).as("signed at the clock's time").isBetween(h.clock.instant().minus(Duration.ofHours(3)).getEpochSecond(),
                    h.clock.instant().getEpochSecond());
            JsonNode body = json.readTree(g.body());
            assertThat(body.get("type").asText()).isEqualTo(g.header("X-Dolly-Event"));
            assertThat(g.header("X-Dolly-Delivery")).startsWith("dlv-");
            assertThat(g.body()).as("no password in an event").doesNotContain(CANARY_PASSWORD);
        }
        Map<String, Long> perEvent = got.stream().collect(Collectors.groupingBy(g -> readId(g.body()), Collectors.counting()));
        assertThat(perEvent.values()).as("each event arrives once").allMatch(n -> n == 1);
        assertThat(got.stream().map(g -> g.header("X-Dolly-Delivery")).distinct().count()).isEqualTo(got.size());
        Map<String, Long> perType = got.stream().collect(Collectors.groupingBy(g -> g.header("X-Dolly-Event"), Collectors.counting()));
        assertThat(perType).containsEntry("clone.created", 1L).containsEntry("clone.reset", 1L).containsEntry("clone.expired", 1L)
                .containsEntry("clone.destroyed", 2L) // the destroyed one and the expired one
                .containsEntry("refresh.started", 2L).containsEntry("refresh.succeeded", 1L).containsEntry("refresh.failed", 1L)
                .containsEntry("quota.exceeded", 1L).containsEntry("pool.alert", 1L);
        JsonNode created = json.readTree(got.stream().filter(g -> g.header("X-Dolly-Event").equals("clone.created")).findFirst().orElseThrow().body());
        assertThat(created.at("/data/cloneId").asText()).isEqualTo("ev-1");
        assertThat(created.at("/data/template").asText()).isEqualTo("shop");
        assertThat(records.all()).hasSize(got.size()).allSatisfy(d -> {
            assertThat(d.getAttempts()).isEqualTo(1);
            assertThat(d.getLastStatus()).isEqualTo("HTTP 200");
            assertThat(d.getEndpoint()).isEqualTo("test");
        });
    }

    @Test
    void aReceiverThatFailsFiveTimesGetsTheEventOnTheSixthAttempt() throws Exception {
        webhooks(n -> n <= 5 ? 503 : 204, 10, Duration.ofSeconds(5));

        h.monitor.pushed("h1", new HealthResponse("ok", "localhost", "t", 10, 1000, 0));

        await(() -> records.all().stream().anyMatch(d -> DeliveryItem.DELIVERED.equals(d.getState())), "delivered after retries");
        List<Receiver.Got> got = receiver.got();
        assertThat(got).hasSize(6);
        assertThat(got.stream().map(g -> g.header("X-Dolly-Delivery")).distinct()).as("one delivery id over its attempts").hasSize(1);
        assertThat(got.stream().map(Receiver.Got::body).distinct()).as("the same event each time").hasSize(1);
        DeliveryItem d = records.get(got.get(0).header("X-Dolly-Delivery"));
        assertThat(d.getAttempts()).isEqualTo(6);
        assertThat(d.getLastStatus()).isEqualTo("HTTP 204");
        assertThat(d.getEventType()).isEqualTo("pool.alert");
        assertThat(d.getState()).isEqualTo(DeliveryItem.DELIVERED);
    }

    @Test
    void aReceiverThatNeverSucceedsIsGivenUpAfterItsAttempts() throws Exception {
        webhooks(n -> 500, 3, Duration.ofSeconds(5));

        h.monitor.pushed("h1", new HealthResponse("ok", "localhost", "t", 10, 1000, 0));

        await(() -> records.all().stream().anyMatch(d -> DeliveryItem.FAILED.equals(d.getState())), "given up");
        assertThat(receiver.got()).hasSize(3);
        assertThat(records.all().get(0).getLastStatus()).isEqualTo("HTTP 500");
    }

    @Test
    void aHangingReceiverDoesNotDelayTheCommandItReports() throws Exception {
        // before the receiver exists: how long the same create takes with no webhook at all
        h.service.execute(DEV, Front.CI, new Command.Create("shop", "ev-1", Duration.ofHours(1), null, false));
        long quiet = timed(() -> h.service.execute(DEV, Front.CI, new Command.Reset("ev-1", null)));
        webhooks(n -> 0, 1, Duration.ofSeconds(30));   // every delivery hangs until the receiver closes

        long withHook = timed(() -> h.service.execute(DEV, Front.CI, new Command.Destroy("ev-1")));
        await(() -> !receiver.got().isEmpty(), "the receiver got the event (and hangs)");
        long again = timed(() -> h.service.execute(DEV, Front.CI, new Command.Create("shop", "ev-1", Duration.ofHours(1), null, false)));

        System.out.printf("command latency: %d ms without webhooks, %d ms and %d ms with a hanging receiver%n", quiet, withHook, again);
        assertThat(withHook).as("destroy, its event's receiver hanging").isLessThan(quiet + 1_000);
        assertThat(again).as("create while an earlier delivery still hangs").isLessThan(quiet + 1_000);
        assertThat(records.all()).anySatisfy(d -> assertThat(d.getState()).isEqualTo(DeliveryItem.PENDING));
    }

    @Test
    void theReaperSendsAgainWhatAStoppedProcessLeftPending() throws Exception {
        webhooks(n -> 200, 3, Duration.ofSeconds(5));
        Instant long_ago = h.clock.instant().minus(Duration.ofHours(1));
        DeliveryItem left = DeliveryItem.create("dlv-left-behind", long_ago);
        left.setEventId("evt-left");
        left.setEventType("clone.expired");
        left.setEndpoint("test");
        left.setAttempts(2);
        left.setBody("{\"id\":\"evt-left\",\"type\":\"clone.expired\",\"data\":{}}");
        records.put(left);
        DeliveryItem recent = DeliveryItem.create("dlv-still-waiting", h.clock.instant());
        recent.setEndpoint("test");
        recent.setEventType("clone.expired");
        recent.setBody("{}");
        records.put(recent);

        h.reaper.run();

        await(() -> DeliveryItem.DELIVERED.equals(records.get("dlv-left-behind").getState()), "the abandoned delivery sent");
        assertThat(records.get("dlv-left-behind").getAttempts()).isEqualTo(3);
        assertThat(receiver.got()).singleElement().satisfies(g -> assertThat(g.header("X-Dolly-Delivery")).isEqualTo("dlv-left-behind"));
        assertThat(records.get("dlv-still-waiting").getState()).as("a delivery still being tried is left alone").isEqualTo(DeliveryItem.PENDING);
    }

    private static long timed(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private String readId(String body) {
        try {
            return json.readTree(body).get("id").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private JobView job(String id, String template, String state, String snapshot, String error) {
        Instant now = h.clock.instant();
        return new JobView(id, template, state, "finish", 1, 1, 10, 100, null, now, now, snapshot, error, Map.of());
    }

    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("timed out waiting: " + what);
            Thread.sleep(20);
        }
    }
}
