package dev.dolly.agent.api.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dolly.agent.api.AgentPaths;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.api.RequestSigning;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The signed client against a small JDK HTTP server that checks signatures the way the agent does. */
class AgentClientTest {
    private static final byte[] SECRET = "s3cret".getBytes(StandardCharsets.UTF_8);
    private HttpServer server;
    private AgentClient client;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String answer = "{}";

    @BeforeEach
    void start() throws IOException {
        RequestSigning.Verifier verifier = new RequestSigning.Verifier(SECRET, "h1", Clock.systemUTC());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getRawPath();
            RequestSigning.Rejection r = verifier.verify(ex.getRequestMethod(), path,
                    ex.getRequestHeaders().getFirst(RequestSigning.TIMESTAMP_HEADER), ex.getRequestHeaders().getFirst(RequestSigning.NONCE_HEADER),
                    ex.getRequestHeaders().getFirst(RequestSigning.SIGNATURE_HEADER), body);
            seen.add(ex.getRequestMethod() + " " + path + " " + new String(body, StandardCharsets.UTF_8) + (r == null ? "" : " " + r));
            if (r != null) {
                reply(ex, 401, "{\"code\":\"BAD_SIGNATURE\",\"message\":\"" + r + "\"}");
            } else {
                reply(ex, status, answer);
            }
        });
        server.start();
        client = new AgentClient("h1", URI.create("http://127.0.0.1:" + server.getAddress().getPort()), SECRET, Clock.systemUTC());
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) ex.getResponseBody().write(b);
        ex.close();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void signsEachRequestWithAFreshNonceSoRepeatsAreNotReplays() {
        answer = "{\"status\":\"ok\"}";
        assertThat(client.health().status()).isEqualTo("ok");
        assertThat(client.health().status()).isEqualTo("ok");
        client.create(new CreateCloneRequest("c1", "shop", null, "u", null, false));
        assertThat(seen).hasSize(3).allMatch(s -> !s.endsWith("REPLAYED") && !s.contains("BAD_SIGNATURE"));
        assertThat(seen.get(2)).startsWith("POST /v1/clones {\"cloneId\":\"c1\"");
    }

    @Test
    void typedAnswersListsAndEmptyBodies() {
        answer = "[{\"id\":\"c1\"},{\"id\":\"c2\"}]";
        assertThat(client.clones()).extracting(c -> c.id()).containsExactly("c1", "c2");
        status = 204;
        answer = "";
        client.destroy("c1");
        assertThat(seen.get(1)).isEqualTo("DELETE /v1/clones/c1 ");
    }

    @Test
    void theRawAnswerCarriesStatusBodyAndTheAgentsTime() {
        status = 507;
        answer = "{\"code\":\"POOL_FULL\",\"message\":\"the pool is full\"}";
        AgentClient.Answer a = client.call("GET", AgentPaths.CLONES, null);
        assertThat(a.status()).isEqualTo(507);
        assertThat(a.body()).contains("POOL_FULL");
        assertThat(a.agentNanos()).isPositive();
    }

    @Test
    void anErrorCodeIsRefusedWithItsCodeStatusAndMessage() {
        status = 507;
        answer = "{\"code\":\"POOL_FULL\",\"message\":\"the pool is full\"}";
        assertThatThrownBy(() -> client.clone("c1")).isInstanceOfSatisfying(AgentException.Refused.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.POOL_FULL);
            assertThat(e.status()).isEqualTo(507);
            assertThat(e.getMessage()).isEqualTo("the pool is full");
            assertThat(e.host()).isEqualTo(client.host());
        });
    }

    @Test
    void aFailureWithoutACodeIsUnavailableOnServerErrorsAndRefusedOtherwise() {
        status = 503;
        answer = "<html>bad gateway</html>";
        assertThatThrownBy(() -> client.clone("c1")).isInstanceOfSatisfying(AgentException.Unavailable.class,
                e -> assertThat(e.getMessage()).contains("failed GET /v1/clones/c1 (HTTP 503)"));
        status = 404;
        assertThatThrownBy(() -> client.clone("c1")).isInstanceOfSatisfying(AgentException.Refused.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(e.getMessage()).contains("answered HTTP 404<html>");
        });
        status = 200;
        answer = "not json";
        assertThatThrownBy(() -> client.clone("c1")).isInstanceOfSatisfying(AgentException.Unavailable.class,
                e -> assertThat(e.getMessage()).contains("unreadable body"));
    }

    @Test
    void aClientForAnotherHostIsRefusedAsABadSignature() {
        AgentClient other = new AgentClient("h2", URI.create("http://127.0.0.1:" + server.getAddress().getPort()), SECRET, Clock.systemUTC());
        assertThatThrownBy(other::templates).isInstanceOfSatisfying(AgentException.Refused.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE));
    }

    @Test
    void aWrongSecretIsRefusedAsABadSignature() {
        AgentClient wrong = new AgentClient("h1", URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "other".getBytes(), Clock.systemUTC());
        assertThatThrownBy(wrong::templates).isInstanceOfSatisfying(AgentException.Refused.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE));
    }

    @Test
    void anUnreachableHostIsUnavailable() {
        server.stop(0);
        assertThatThrownBy(client::health).isInstanceOfSatisfying(AgentException.Unavailable.class, e -> {
            assertThat(e.getMessage()).contains("could not be reached");
            assertThat(e.rejectedFast()).isFalse();
        });
    }

    @Test
    void callsCarryWhetherTheyMayBeRetriedAndHowLongTheyMayTake() {
        assertThat(AgentCall.create(new CreateCloneRequest("c", "t", null, "u", null, false))).satisfies(c -> {
            assertThat(c.idempotent()).isTrue();
            assertThat(c.slow()).isTrue();
        });
        assertThat(AgentCall.password("c").idempotent()).isFalse();
        assertThat(AgentCall.savepoint("c", "s").idempotent()).isFalse();
        assertThat(AgentCall.health().slow()).isFalse();
    }
}
