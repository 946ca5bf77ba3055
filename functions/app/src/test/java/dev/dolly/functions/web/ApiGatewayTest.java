package dev.dolly.functions.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** API Gateway v2 events, as the JSON maps the adapter hands over, to calls. */
class ApiGatewayTest {
    @Test
    void readsMethodPathQueryHeadersAndBody() {
        Map<String, Object> headers = new HashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("x-dolly-timestamp", 1795000000);
        Map<String, Object> e = Map.of(
                "rawPath", "/api/v1/clones", "rawQueryString", "template=shop",
                "headers", headers,
                "requestContext", Map.of("http", Map.of("method", "GET", "path", "/ignored")),
                "body", "{\"a\":1}", "isBase64Encoded", false);

        HttpCall call = ApiGateway.call(e);

        assertThat(call.method()).isEqualTo("GET");
        assertThat(call.path()).isEqualTo("/api/v1/clones?template=shop");
        assertThat(call.header("content-type")).isEqualTo("application/json");
        assertThat(call.header("X-Dolly-Timestamp")).isEqualTo("1795000000");
        assertThat(call.bodyText()).isEqualTo("{\"a\":1}");
    }

    @Test
    void decodesBase64Bodies() {
        String body = "payload=%7B%7D";
        HttpCall call = ApiGateway.call(Map.of("rawPath", "/slack/events",
                "body", Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)), "isBase64Encoded", true));

        assertThat(call.bodyText()).isEqualTo(body);
    }

    @Test
    void missingPartsHaveTheDefaults() {
        HttpCall bare = ApiGateway.call(Map.of());
        assertThat(bare.method()).isEqualTo("POST");
        assertThat(bare.path()).isEqualTo("/");
        assertThat(bare.headers()).isEmpty();
        assertThat(bare.body()).isEmpty();

        HttpCall fromContext = ApiGateway.call(Map.of("requestContext", Map.of("http", Map.of("path", "/agent/callback")), "rawQueryString", ""));
        assertThat(fromContext.path()).isEqualTo("/agent/callback");
    }
}
