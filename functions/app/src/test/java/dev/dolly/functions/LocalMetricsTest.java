package dev.dolly.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.service.CommandService;
import dev.dolly.functions.store.DollyStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The local server's {@code GET /metrics} (Prometheus through Micrometer) after commands, a denial and a refused
 * signature, and its Actuator liveness and readiness (DynamoDB and the agents).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false) // tests export no metrics unless asked: the server run by ./dolly up does
class LocalMetricsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    CommandService commands;

    @Autowired
    DollyStore store;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("dolly.config", () -> "classpath:test-dolly-metrics.yaml");
        r.add("dolly.dynamodb.endpoint", () -> "embedded");
        r.add("dolly.reaper.local-schedule", () -> "false");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static OptionalDouble value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst();
    }

    @Test
    void commandsDenialsSignatureFailuresAndGaugesAreScraped() throws Exception {
        Principal dev = Principal.slackUser("U0DEV", Set.of());
        commands.execute(dev, Front.SLACK, new Command.Templates(), null);
        commands.execute(dev, Front.SLACK, new Command.Templates(), null);
        assertThatThrownBy(() -> commands.execute(Principal.slackUser("U0STRANGER", Set.of()), Front.CI,
                new Command.Create("shop", "c1", null, null, false), null))
                .isInstanceOfSatisfying(DollyException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FORBIDDEN));
        HttpResponse<String> unsigned = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/ci"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"status\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(401);

        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        String m = r.body();
        assertThat(value(m, "dolly_commands_seconds_count{front=\"slack\",outcome=\"ok\",verb=\"templates\"}")).hasValue(2);
        assertThat(value(m, "dolly_commands_seconds_count{front=\"ci\",outcome=\"forbidden\",verb=\"create\"}")).hasValue(1);
        assertThat(value(m, "dolly_authorization_denials_total{front=\"ci\",verb=\"create\"}")).hasValue(1);
        assertThat(value(m, "dolly_signature_failures_total{front=\"ci\"}")).hasValue(1);
        assertThat(value(m, "dolly_clones{state=\"ready\",template=\"shop\"}")).hasValue(0);
        assertThat(value(m, "dolly_agent_heartbeat_age_seconds{host=\"h1\"}")).isPresent();
        assertThat(value(m, "dolly_agent_healthy{host=\"h1\"}")).isPresent();
        assertThat(value(m, "resilience4j_circuitbreaker_state{name=\"agent-h1\",state=\"closed\"}")).hasValue(1);
        assertThat(m).contains("resilience4j_bulkhead_available_concurrent_calls{name=\"agent-h1\"}")
                .contains("resilience4j_retry_calls_total{kind=\"successful_without_retry\",name=\"agent-h1\"}");
        assertThat(m).contains("jvm_memory_used_bytes{").contains("process_cpu_usage ").contains("jvm_threads_live_threads ");
        assertThat(m).contains("http_server_requests_seconds_count{error=\"none\",exception=\"none\",method=\"POST\",outcome=\"CLIENT_ERROR\","
                + "status=\"401\",uri=\"/webhooks/ci\"}");
    }

    @Test
    void livenessIsTheProcessAndReadinessNeedsDynamoAndAHealthyAgent() throws Exception {
        HttpResponse<String> live = get("/actuator/health/liveness");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(live.body()).get("status").asText()).isEqualTo("UP");

        store.updateHost("h1", h -> {
            h.setHealthy(false);
            h.setLastHeartbeat(Instant.now());
            h.setError("status degraded: docker");
        });
        assertThat(value(get("/metrics").body(), "dolly_agent_healthy{host=\"h1\"}")).hasValue(0);
        assertThat(value(get("/metrics").body(), "dolly_agent_heartbeat_age_seconds{host=\"h1\"}")).as("never seen healthy: a day")
                .hasValue(86_400);
        HttpResponse<String> notReady = get("/actuator/health/readiness");
        assertThat(notReady.statusCode()).isEqualTo(503);
        JsonNode b = JSON.readTree(notReady.body());
        assertThat(b.at("/components/dynamo/status").asText()).isEqualTo("UP");
        assertThat(b.at("/components/agents/status").asText()).isEqualTo("DOWN");
        assertThat(b.at("/components/agents/details/hosts/h1/error").asText()).isEqualTo("status degraded: docker");

        store.updateHost("h1", h -> {
            h.setHealthy(true);
            h.setLastHeartbeat(Instant.now());
            h.setLastSeenHealthy(Instant.now());
            h.setError(null);
        });
        HttpResponse<String> ready = get("/actuator/health/readiness");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).at("/components/agents/details/healthy").asInt()).isEqualTo(1);
        String m = get("/metrics").body();
        assertThat(value(m, "dolly_agent_healthy{host=\"h1\"}")).hasValue(1);
        assertThat(value(m, "dolly_agent_heartbeat_age_seconds{host=\"h1\"}").orElseThrow()).isLessThan(60);
    }
}
