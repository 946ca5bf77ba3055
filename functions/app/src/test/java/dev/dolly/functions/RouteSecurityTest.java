package dev.dolly.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every route the running local server maps (read from its handler mappings) either refuses a request without
 * credentials (401) or is on {@link #ALLOWED}, with the reason it may answer anyone; Spring Cloud Function's
 * generic routes answer nobody.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RouteSecurityTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Routes that answer without credentials, each for a stated reason. */
    private static final Map<String, String> ALLOWED = Map.of(
            "GET /health", "liveness for ./dolly and monitors: host and template states, no secret",
            "GET /metrics", "the Prometheus scrape: counts and latencies by verb, template, host and route template, no secret",
            "POST /slack-api/{method:[a-zA-Z.]+}", "the Slack stand-in's Web API: takes the bot's calls, answers shapes only",
            "POST /slack-api/response/{id:[A-Za-z0-9_-]+}", "the Slack stand-in's response URLs: takes the bot's replies, answers ok",
            "ANY /error", "Spring's error page: renders the error of the request that failed");

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        System.setProperty("SLACK_SIGNING_SECRET", "route-test-signing-secret");
        System.setProperty("SLACK_BOT_TOKEN", "xoxb-route-test");
        r.add("dolly.config", () -> "classpath:test-dolly-slack.yaml");
        r.add("dolly.dynamodb.endpoint", () -> "embedded");
        r.add("dolly.reaper.local-schedule", () -> "false");
        r.add("dolly.slack-stand-in.enabled", () -> "true");
        r.add("dolly.admin-secret", () -> "route-test-admin-secret");
    }

    @AfterAll
    static void clear() {
        System.clearProperty("SLACK_SIGNING_SECRET");
        System.clearProperty("SLACK_BOT_TOKEN");
    }

    private Set<String> mappedRoutes() {
        return MappedRoutes.of(context);
    }

    private int send(String method, String path) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (method.equals("GET")) {
            b.GET();
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString("{\"detail\":{\"template\":\"shop\"}}"));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String concrete(String pattern) {
        return pattern.replaceAll("\\{[^}]*}", "x").replace("/**", "/x").replace("/*", "/x");
    }

    @Test
    void everyMappedRouteAuthenticatesOrIsAllowListed() throws Exception {
        Set<String> routes = mappedRoutes();
        assertThat(routes).contains("POST /webhooks/ci", "POST /agent/callback", "POST /slack/events", "GET /health",
                "GET /slack-api/recorded", "POST /scheduledRefresh", "POST /reaper",
                // the user API: each of its routes, Bearer personal token (401 without)
                "GET /api/v1/clones", "POST /api/v1/clones", "DELETE /api/v1/clones/{clone}", "POST /api/v1/commands",
                "DELETE /api/v1/tokens/{token}");
        List<String> open = new ArrayList<>();
        for (String route : routes) {
            if (ALLOWED.containsKey(route)) {
                continue;
            }
            String method = route.substring(0, route.indexOf(' '));
            String path = concrete(route.substring(route.indexOf(' ') + 1));
            for (String m : method.equals("ANY") ? List.of("GET", "POST") : List.of(method)) {
                int status = send(m, path);
                if (status != 401) {
                    open.add(route + " answered " + status + " without credentials");
                }
            }
        }
        assertThat(open).as("routes that are neither authenticated nor allow-listed").isEmpty();
    }

    @Test
    void functionWebRoutesDoNotAnswer() throws Exception {
        for (String path : List.of("/functionRouter", "/reaper", "/scheduledRefresh", "/notifierRef", "/ciWebhook", "/slackEvents")) {
            for (String m : List.of("GET", "POST")) {
                assertThat(send(m, path)).as(m + " " + path).isIn(401, 404, 405);
            }
        }
    }

    @Test
    void theRecordingNeedsTheAdminSecret() throws Exception {
        HttpRequest.Builder ok = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slack-api/recorded"))
                .header("Authorization", "Bearer route-test-admin-secret");
        assertThat(HTTP.send(ok.build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        HttpRequest.Builder wrong = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slack-api/recorded"))
                .header("Authorization", "Bearer not-the-secret");
        assertThat(HTTP.send(wrong.build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/slack-api/recorded")).isEqualTo(401);
    }

    @Test
    void scheduledRefreshAndReaperAnswerTheAdmin() throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/reaper"))
                .header("Authorization", "Bearer route-test-admin-secret").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        HttpResponse<String> a = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(a.statusCode()).isEqualTo(200);
        assertThat(a.body()).contains("expired");
    }
}
