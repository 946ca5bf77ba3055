package dev.dolly.functions.service;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.dolly.control.api.CloneState;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.Harness;
import dev.dolly.functions.MutableClock;
import dev.dolly.functions.agent.AgentClients;
import dev.dolly.functions.store.CloneItem;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent failing — 5xx, dropped connections, timeouts (WireMock stands in for it, for failures
 * only): clear errors, retries only where idempotent, the host's breaker opens and then answers at
 * once, and nothing is ever recorded READY.
 */
class AgentDownTest {
    private static final Principal DEV = Principal.ciKey("ci-dev");
    private WireMockServer agent;
    private Harness h;

    @BeforeEach
    void setUp() {
        agent = new WireMockServer(options().dynamicPort());
        agent.start();
        String hosts = "hosts:\n  - { name: h1, url: \"http://127.0.0.1:" + agent.port() + "\", secret: agent-secret }\n";
        AgentClients.Settings settings = AgentClients.Settings.defaults()
                .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(800))
                .withBreakerOpenFor(Duration.ofMinutes(5));
        h = new Harness(Harness.yaml(hosts), MutableClock.systemNow(), settings);
        h.seedHealthyHost("h1", "shop");
    }

    @AfterEach
    void tearDown() {
        h.close();
        agent.stop();
    }

    private DollyException createFails(String id) {
        try {
            h.service.execute(DEV, Front.CI, new Command.Create("shop", id, Duration.ofHours(1), null, true));
        } catch (DollyException e) {
            return e;
        }
        throw new AssertionError("create " + id + " succeeded");
    }

    private void assertNothingReady() {
        assertThat(h.store.allClones()).noneMatch(c -> c.getState() == CloneState.READY);
    }

    @Test
    void serverErrorsOpenTheBreakerAndThenItAnswersAtOnce() {
        agent.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(503).withBody("upstream gone")));

        DollyException first = createFails("c1");
        assertThat(first.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(first.getMessage()).contains("host h1").contains("marked FAILED");
        assertThat(agent.countRequestsMatching(anyRequestedFor(urlPathEqualTo("/v1/clones")).build()).getCount())
                .as("create is idempotent by clone id: retried").isEqualTo(3);
        // every attempt was signed
        assertThat(agent.getAllServeEvents()).allSatisfy(e -> {
            assertThat(e.getRequest().getHeader("X-Dolly-Signature")).matches("[0-9a-f]{64}");
            assertThat(e.getRequest().getHeader("X-Dolly-Timestamp")).matches("\\d+");
        });

        createFails("c2"); // the breaker opens during this one
        assertThat(h.agents.get("h1").unavailable()).isTrue();
        int calls = agent.getAllServeEvents().size();

        long t0 = System.nanoTime();
        DollyException fast = createFails("c3");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(fast.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(fast.getMessage()).contains("No healthy host").contains("h1 unavailable");
        assertThat(ms).as("an open breaker answers at once").isLessThan(500);
        assertThat(agent.getAllServeEvents()).hasSize(calls);
        assertThat(h.store.clone("c3")).as("nothing recorded when refused up front").isNull();

        assertNothingReady();
        assertThat(h.store.clone("c1").getState()).isEqualTo(CloneState.FAILED);
        assertThat(h.store.clone("c1").getFailure()).contains("did not confirm");
    }

    @Test
    void openBreakerRefusesCommandsOnExistingClonesAtOnce() {
        h.seedClone("mine", "ci:ci-dev", "shop", "h1", Duration.ofHours(2));
        agent.stubFor(any(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        for (int i = 0; i < 3 && !h.agents.get("h1").unavailable(); i++) {
            assertThatThrownBy(() -> h.service.execute(DEV, Front.CI, new Command.Reset("mine", null)))
                    .isInstanceOf(DollyException.class)
                    .satisfies(e -> assertThat(((DollyException) e).kind()).isEqualTo(ErrorKind.UNAVAILABLE));
        }
        assertThat(h.agents.get("h1").unavailable()).isTrue();
        int calls = agent.getAllServeEvents().size();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> h.service.execute(DEV, Front.CI, new Command.Reset("mine", null)))
                .hasMessageContaining("host h1 is unavailable");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(300);
        assertThat(agent.getAllServeEvents()).hasSize(calls);
        CloneItem c = h.store.clone("mine");
        assertThat(c.getState()).as("a failed reset leaves the clone usable").isEqualTo(CloneState.READY);
    }

    @Test
    void timeoutsAreUnavailableAndTheCloneIsFailedNotReady() {
        agent.stubFor(post(urlPathEqualTo("/v1/clones")).willReturn(aResponse().withStatus(201).withFixedDelay(2000)
                .withHeader("Content-Type", "application/json").withBody("{}")));
        DollyException e = createFails("slow");
        assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("did not answer");
        assertNothingReady();
        assertThat(h.store.clone("slow").getState()).isEqualTo(CloneState.FAILED);
    }

    @Test
    void passwordRotationIsNeverRetried() {
        h.seedClone("mine", "ci:ci-dev", "shop", "h1", Duration.ofHours(2));
        agent.stubFor(any(anyUrl()).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
        assertThatThrownBy(() -> h.service.execute(DEV, Front.CI, new Command.Password("mine")))
                .isInstanceOf(DollyException.class);
        assertThat(agent.getAllServeEvents()).hasSize(1);
    }

    @Test
    void agentErrorCodesAreRefusalsThatLeaveNothingBehind() {
        agent.stubFor(post(urlPathEqualTo("/v1/clones")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\":\"UNKNOWN_SNAPSHOT\",\"message\":\"template shop has no snapshot s9\"}")));
        DollyException e = createFails("c9");
        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(e.getMessage()).contains("no snapshot s9");
        assertThat(h.store.clone("c9")).isNull();
        assertThat(h.store.quota("ci:ci-dev").getClones()).isZero();
        assertThat(h.agents.get("h1").unavailable()).as("an answering agent is not a failing one").isFalse();
        assertThat(agent.getAllServeEvents()).hasSize(1); // refusals are not retried
    }
}
