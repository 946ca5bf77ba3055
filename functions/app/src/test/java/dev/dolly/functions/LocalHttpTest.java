package dev.dolly.functions;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.dolly.agent.api.signing.Hmac;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The local server over HTTP on a random port: the CI webhook, Slack (executor hand-off), function-web routes, health. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LocalHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SIGNING_SECRET = "local-slack-signing-secret";
    private static final WireMockServer SLACK = new WireMockServer(options().dynamicPort());
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        SLACK.start();
        SLACK.stubFor(post(urlPathEqualTo("/api/auth.test")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true,\"team_id\":\"T0DOLLY\",\"user_id\":\"U0BOT\",\"bot_id\":\"B0BOT\",\"team\":\"t\",\"user\":\"dolly\"}")));
        SLACK.stubFor(post(urlPathMatching("/api/.*")).atPriority(10).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"usergroups\":[],\"view\":{\"id\":\"V1\",\"hash\":\"h\"}}")));
        SLACK.stubFor(post(urlPathMatching("/response/.*")).willReturn(aResponse().withStatus(200).withBody("ok")));
        System.setProperty("SLACK_SIGNING_SECRET", SIGNING_SECRET);
        System.setProperty("SLACK_BOT_TOKEN", "xoxb-local");
        System.setProperty("DOLLY_SLACK_API_URL", SLACK.baseUrl() + "/api/");
        r.add("dolly.config", () -> "classpath:test-dolly-slack.yaml");
        r.add("dolly.dynamodb.endpoint", () -> "embedded");
        r.add("dolly.reaper.local-schedule", () -> "false");
        r.add("dolly.admin-secret", () -> "local-admin-secret");
    }

    @AfterAll
    static void stop() {
        System.clearProperty("SLACK_SIGNING_SECRET");
        System.clearProperty("SLACK_BOT_TOKEN");
        System.clearProperty("DOLLY_SLACK_API_URL");
        SLACK.stop();
    }

    private HttpResponse<String> send(String path, String contentType, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void health() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode b = JSON.readTree(r.body());
        assertThat(b.get("status").asText()).isEqualTo("ok");
        assertThat(b.get("slack").asBoolean()).isTrue();
    }

    @Test
    void ciWebhookOverHttp() throws Exception {
        String body = "{\"action\":\"status\",\"clone\":\"nope\"}";
        long ts = Instant.now().getEpochSecond();
        HttpResponse<String> unsigned = send("/webhooks/ci", "application/json", body);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        // no CI key in this config: any key is unknown
        HttpResponse<String> r = send("/webhooks/ci", "application/json", body, "X-Dolly-Key", "ci-x", "X-Dolly-Timestamp", "" + ts,
                "X-Dolly-Signature", "sha256=" + Hmac.hex("s", ts + "." + body));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo("unauthorized");
    }

    @Test
    void slashCommandIsAckedThenAnsweredThroughResponseUrl() throws Exception {
        long ts = Instant.now().getEpochSecond();
        String body = "team_id=T0DOLLY&channel_id=C0DOLLY&user_id=U0DEV&user_name=dev&command=" + URLEncoder.encode("/dolly", StandardCharsets.UTF_8)
                + "&text=templates&response_url=" + URLEncoder.encode(SLACK.baseUrl() + "/response/local", StandardCharsets.UTF_8)
                + "&trigger_id=1.2.3";
        HttpResponse<String> ack = send("/slack/events", "application/x-www-form-urlencoded", body,
                "X-Slack-Request-Timestamp", "" + ts, "X-Slack-Signature", "v0=" + Hmac.hex(SIGNING_SECRET, "v0:" + ts + ":" + body));
        assertThat(ack.statusCode()).isEqualTo(200);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (SLACK.findAll(postRequestedFor(urlPathEqualTo("/response/local"))).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(SLACK.findAll(postRequestedFor(urlPathEqualTo("/response/local")))).hasSize(1);
        assertThat(SLACK.findAll(postRequestedFor(urlPathEqualTo("/response/local"))).get(0).getBodyAsString()).contains("shop");

        HttpResponse<String> forged = send("/slack/events", "application/x-www-form-urlencoded", body,
                "X-Slack-Request-Timestamp", "" + ts, "X-Slack-Signature", "v0=" + Hmac.hex("wrong", "v0:" + ts + ":" + body));
        assertThat(forged.statusCode()).isEqualTo(401);
    }

    @Test
    void scheduledFunctionsAreTriggeredByTheLocalAdmin() throws Exception {
        HttpResponse<String> r = send("/scheduledRefresh", "application/json", "{\"detail\":{\"template\":\"shop\"}}",
                "Authorization", "Bearer local-admin-secret");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("template").asText()).isEqualTo("shop");
        HttpResponse<String> reaper = send("/reaper", "application/json", "{}", "Authorization", "Bearer local-admin-secret");
        assertThat(reaper.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(reaper.body()).has("expired")).isTrue();
    }
}
