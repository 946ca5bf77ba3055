package dev.dolly.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.agent.api.signing.Hmac;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/** The functions as AWS Lambda runs them: FunctionInvoker fed raw API Gateway v2 and EventBridge event JSON. */
class FunctionInvokerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void properties() {
        System.setProperty("MAIN_CLASS", DollyFunctionsApplication.class.getName());
        System.setProperty("dolly.config", "classpath:test-dolly.yaml");
        System.setProperty("dolly.dynamodb.endpoint", "embedded");
    }

    @AfterAll
    static void clear() {
        System.clearProperty("MAIN_CLASS");
        System.clearProperty("dolly.config");
        System.clearProperty("dolly.dynamodb.endpoint");
    }

    private static JsonNode invoke(FunctionInvoker invoker, String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        invoker.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    static String apiGatewayEvent(String path, String key, long ts, String signature, String body, boolean base64) {
        String b = base64 ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body;
        return """
                {
                  "version": "2.0",
                  "routeKey": "POST %1$s",
                  "rawPath": "%1$s",
                  "rawQueryString": "",
                  "headers": {
                    "content-type": "application/json",
                    "x-dolly-key": "%2$s",
                    "x-dolly-timestamp": "%3$d",
                    "x-dolly-signature": "%4$s",
                    "host": "abc123.execute-api.eu-west-1.amazonaws.com"
                  },
                  "requestContext": {
                    "accountId": "123456789012",
                    "apiId": "abc123",
                    "domainName": "abc123.execute-api.eu-west-1.amazonaws.com",
                    "http": { "method": "POST", "path": "%1$s", "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1", "userAgent": "curl/8" },
                    "requestId": "r-1",
                    "routeKey": "POST %1$s",
                    "stage": "$default",
                    "time": "22/Nov/2026:00:00:00 +0000",
                    "timeEpoch": 1795000000000
                  },
                  "body": %5$s,
                  "isBase64Encoded": %6$s
                }
                """.formatted(path, key, ts, signature, JSON.valueToTree(b).toString(), base64);
    }

    @Test
    void ciWebhookFromApiGateway() throws Exception {
        FunctionInvoker invoker = new FunctionInvoker("ciWebhook");
        long ts = Instant.now().getEpochSecond();
        String body = "{\"action\":\"status\",\"clone\":\"nope\"}";
        String sig = "sha256=" + Hmac.hex("dev-secret", ts + "." + body);

        JsonNode r = invoke(invoker, apiGatewayEvent("/webhooks/ci", "ci-dev", ts, sig, body, false));
        assertThat(r.get("statusCode").asInt()).isEqualTo(404);
        assertThat(JSON.readTree(r.get("body").asText()).get("message").asText()).contains("no clone 'nope'");
        assertThat(r.get("headers").get("Content-Type").asText()).isEqualTo("application/json");

        // a base64-encoded body is decoded before the signature check (a fresh signature: the first one is spent)
        String body2 = "{\"action\":\"status\",\"clone\":\"nope2\"}";
        String sig2 = "sha256=" + Hmac.hex("dev-secret", ts + "." + body2);
        r = invoke(invoker, apiGatewayEvent("/webhooks/ci", "ci-dev", ts, sig2, body2, true));
        assertThat(r.get("statusCode").asInt()).isEqualTo(404);

        r = invoke(invoker, apiGatewayEvent("/webhooks/ci", "ci-dev", ts, "sha256=00", body, false));
        assertThat(r.get("statusCode").asInt()).isEqualTo(401);
    }

    @Test
    void scheduledRefreshFromEventBridge() throws Exception {
        FunctionInvoker invoker = new FunctionInvoker("scheduledRefresh");
        String event = """
                {
                  "version": "0",
                  "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
                  "detail-type": "Scheduled Event",
                  "source": "aws.scheduler",
                  "account": "123456789012",
                  "time": "2026-11-22T03:00:00Z",
                  "region": "eu-west-1",
                  "resources": ["arn:aws:scheduler:eu-west-1:123456789012:schedule/default/dolly-refresh-shop"],
                  "detail": { "template": "shop" }
                }
                """;
        JsonNode r = invoke(invoker, event);
        assertThat(r.get("template").asText()).isEqualTo("shop");
        assertThat(r.get("error").asText()).contains("No healthy host");

        r = invoke(invoker, "{\"detail\":{}}");
        assertThat(r.get("error").asText()).contains("no template");
    }

    @Test
    void reaperFromEventBridge() throws Exception {
        FunctionInvoker invoker = new FunctionInvoker("reaper");
        JsonNode r = invoke(invoker, "{\"version\":\"0\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"detail\":{}}");
        assertThat(r.get("expired").isArray()).isTrue();
        assertThat(r.get("errors").size()).isZero();
    }
}
