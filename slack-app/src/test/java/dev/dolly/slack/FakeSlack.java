package dev.dolly.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * WireMock standing in for Slack: the Web API under {@code /api/} (auth.test, usergroups.list, chat.postMessage,
 * chat.update, views.publish, views.open) and response URLs under {@code /response/}. Tests read back what
 * Dolly sent with {@link #calls}, {@link #form} and {@link #json}.
 */
final class FakeSlack implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    final WireMockServer server;

    FakeSlack() {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").containerThreads(40).jettyAcceptors(2));
        server.start();
        stubDefaults();
    }

    /** Forgets recorded requests and custom stubs; Slack answers as by default again. */
    void resetToDefaults() {
        server.resetAll();
        stubDefaults();
    }

    private void stubDefaults() {
        ok("auth.test", "{\"ok\":true,\"url\":\"https://dolly-test.slack.com/\",\"team\":\"Dolly Test\",\"user\":\"dolly\","
                + "\"team_id\":\"T0DOLLY\",\"user_id\":\"U0BOT\",\"bot_id\":\"B0BOT\",\"is_enterprise_install\":false}");
        ok("usergroups.list", "{\"ok\":true,\"usergroups\":["
                + "{\"id\":\"S0ADMINS\",\"team_id\":\"T0DOLLY\",\"name\":\"Dolly admins\",\"handle\":\"dolly-admins\",\"date_delete\":0,"
                + "\"users\":[\"U0ADMIN\"],\"user_count\":1},"
                + "{\"id\":\"S0DEVS\",\"team_id\":\"T0DOLLY\",\"name\":\"Developers\",\"handle\":\"devs\",\"date_delete\":0,"
                + "\"users\":[\"U0ALICE\",\"U0ADMIN\"],\"user_count\":2}]}");
        ok("chat.postMessage", "{\"ok\":true,\"channel\":\"C0DOLLY\",\"ts\":\"1768471200.000100\",\"message\":{\"type\":\"message\",\"text\":\"\"}}");
        ok("chat.update", "{\"ok\":true,\"channel\":\"C0DOLLY\",\"ts\":\"1768471200.000100\",\"text\":\"\"}");
        ok("views.publish", "{\"ok\":true,\"view\":{\"id\":\"V0HOME\",\"type\":\"home\",\"hash\":\"1768471201.published\"}}");
        ok("views.open", "{\"ok\":true,\"view\":{\"id\":\"V0MODAL\",\"type\":\"modal\",\"hash\":\"1768471202.modal\"}}");
        server.stubFor(post(urlPathMatching("/response/.*")).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    void ok(String method, String body) {
        server.stubFor(post(urlPathEqualTo("/api/" + method)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json; charset=utf-8").withBody(body)));
    }

    String apiUrl() { return server.baseUrl() + "/api/"; }

    String baseUrl() { return server.baseUrl(); }

    List<LoggedRequest> calls(String path) {
        return server.findAll(anyRequestedFor(urlEqualTo(path)));
    }

    List<LoggedRequest> api(String method) { return calls("/api/" + method); }

    List<LoggedRequest> responses(String id) { return calls("/response/" + id); }

    /** Waits until {@code path} was called at least {@code count} times; returns those calls. */
    List<LoggedRequest> await(String path, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<LoggedRequest> found = calls(path);
            if (found.size() >= count) return found;
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " call(s) to " + path + " within " + timeout + ", got " + found.size()
                        + "; all calls: " + server.getAllServeEvents().stream().map(e -> e.getRequest().getUrl()).toList());
            }
            sleep(20);
        }
    }

    void reset() {
        server.resetRequests();
    }

    /** The form parameters of a Web API call (the Java SDK sends form-encoded bodies). */
    static Map<String, String> form(LoggedRequest r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : r.getBodyAsString().split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    static JsonNode json(LoggedRequest r) { return json(r.getBodyAsString()); }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
