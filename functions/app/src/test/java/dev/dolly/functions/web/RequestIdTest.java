package dev.dolly.functions.web;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.dolly.agent.api.RequestIds;
import dev.dolly.functions.Harness;
import dev.dolly.functions.MutableClock;
import dev.dolly.functions.agent.AgentClients;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The request id of a CI call: taken from {@code X-Request-Id} when valid (else made), sent to the agent on the calls the
 * command makes, and returned in the answer; the thread's logging context is left as it was.
 */
class RequestIdTest {
    private static final String CREATE = "{\"action\":\"create\",\"template\":\"shop\",\"clone\":\"rid-one\",\"ttl\":\"1h\"}";
    private WireMockServer agent;
    private Harness h;

    @BeforeEach
    void setUp() {
        agent = new WireMockServer(options().dynamicPort());
        agent.start();
        h = new Harness(Harness.yaml("hosts:\n  - { name: h1, url: \"http://127.0.0.1:" + agent.port() + "\", secret: agent-secret }\n"),
                MutableClock.systemNow(), AgentClients.Settings.defaults());
        h.seedHealthyHost("h1", "shop");
        agent.stubFor(post(urlPathEqualTo("/v1/clones")).willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                .withBody("{\"cloneView\":{\"id\":\"rid-one\",\"template\":\"shop\",\"snapshot\":\"s1\",\"host\":\"localhost\",\"port\":6001,"
                        + "\"database\":\"shop\",\"user\":\"dolly\",\"owner\":\"ci:ci-dev\",\"state\":\"READY\"},\"password\":\"pw\"}")));
    }

    @AfterEach
    void tearDown() {
        h.close();
        agent.stop();
    }

    private HttpCall create(String requestId, String idempotencyKey) {
        HttpCall signed = Signed.call("ci-dev", "dev-secret", h.clock.instant().getEpochSecond(), CREATE, idempotencyKey);
        Map<String, String> headers = new LinkedHashMap<>(signed.headers());
        if (requestId != null) headers.put(RequestIds.HEADER, requestId);
        return new HttpCall(signed.method(), signed.path(), headers, signed.body());
    }

    @Test
    void aValidIncomingIdGoesToTheAgentAndComesBack() {
        HttpAnswer a = RequestScope.handle(create("ci-run-4711.step-2", "idem-1"), h.webhook::handle);

        assertThat(a.status()).isIn(200, 201);
        assertThat(a.headers()).containsEntry(RequestIds.HEADER, "ci-run-4711.step-2");
        agent.verify(postRequestedFor(urlPathEqualTo("/v1/clones")).withHeader(RequestIds.HEADER, equalTo("ci-run-4711.step-2")));
        assertThat(MDC.get(RequestIds.MDC_KEY)).as("the thread's context is restored").isNull();
    }

    @Test
    void anInvalidOrMissingIdIsReplacedByANewOneThatTheAgentGetsToo() {
        HttpAnswer a = RequestScope.handle(create("bad id\nwith a newline", "idem-2"), h.webhook::handle);

        String made = a.headers().get(RequestIds.HEADER);
        assertThat(made).matches("req-[0-9a-f]{20}");
        agent.verify(postRequestedFor(urlPathEqualTo("/v1/clones")).withHeader(RequestIds.HEADER, equalTo(made)));

        HttpAnswer b = RequestScope.handle(create(null, "idem-3"), h.webhook::handle);
        assertThat(b.headers().get(RequestIds.HEADER)).matches("req-[0-9a-f]{20}").isNotEqualTo(made);
    }
}
