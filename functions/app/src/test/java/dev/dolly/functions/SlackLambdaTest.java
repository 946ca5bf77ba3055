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
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.dolly.agent.api.signing.Hmac;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/**
 * {@code slackEvents} on Lambda: a signed slash command is acked, the deferred work goes to an
 * asynchronous self-invocation (WireMock stands in for the Lambda API and for Slack), and that
 * invocation, fed back to the function, runs the command and answers through {@code response_url}.
 */
class SlackLambdaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SIGNING_SECRET = "slack-signing-secret-for-tests";
    private static WireMockServer aws;
    private static final List<String> PROPS = List.of("MAIN_CLASS", "dolly.config", "dolly.dynamodb.endpoint", "dolly.lambda.function-name",
            "dolly.lambda.endpoint", "dolly.lambda.qualifier", "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "DOLLY_SLACK_API_URL", "aws.accessKeyId",
            "aws.secretAccessKey", "aws.region");

    @BeforeAll
    static void start() {
        aws = slackAndLambdaApis();
        Map<String, String> props = Map.ofEntries(Map.entry("MAIN_CLASS", DollyFunctionsApplication.class.getName()),
                Map.entry("dolly.config", "classpath:test-dolly-slack.yaml"), Map.entry("dolly.dynamodb.endpoint", "embedded"),
                Map.entry("dolly.lambda.function-name", "dolly-slack-events"), Map.entry("dolly.lambda.endpoint", aws.baseUrl()), Map.entry("dolly.lambda.qualifier", "live"),
                Map.entry("SLACK_SIGNING_SECRET", SIGNING_SECRET), Map.entry("SLACK_BOT_TOKEN", "xoxb-test"),
                Map.entry("DOLLY_SLACK_API_URL", aws.baseUrl() + "/api/"), Map.entry("aws.accessKeyId", "test"),
                Map.entry("aws.secretAccessKey", "test"), Map.entry("aws.region", "eu-west-1"));
        props.forEach(System::setProperty);
    }

    @AfterAll
    static void stop() {
        PROPS.forEach(System::clearProperty);
        aws.stop();
    }

    /** WireMock, started, as Slack's Web API (under {@code /api/}), {@code response_url}s ({@code /response/…}) and Lambda's Invoke. */
    static WireMockServer slackAndLambdaApis() {
        WireMockServer aws = new WireMockServer(options().dynamicPort());
        aws.start();
        aws.stubFor(post(urlPathEqualTo("/api/auth.test")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true,\"team_id\":\"T0DOLLY\",\"user_id\":\"U0BOT\",\"bot_id\":\"B0BOT\",\"team\":\"t\",\"user\":\"dolly\"}")));
        aws.stubFor(post(urlPathEqualTo("/api/usergroups.list")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"usergroups\":[]}")));
        aws.stubFor(post(urlPathEqualTo("/api/views.publish")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"view\":{\"id\":\"V1\",\"hash\":\"h\"}}")));
        aws.stubFor(post(urlPathMatching("/response/.*")).willReturn(aResponse().withStatus(200).withBody("ok")));
        aws.stubFor(post(urlPathMatching("/2015-03-31/functions/.*/invocations")).willReturn(aResponse().withStatus(202)));
        return aws;
    }

    /** {@code /dolly list} from user U0DEV, signed with {@code secret} at {@code ts}, as API Gateway v2 delivers it. */
    static String slashCommand(String secret, long ts, String responseUrl) {
        String body = "token=x&team_id=T0DOLLY&team_domain=d&channel_id=C0DOLLY&channel_name=dolly&user_id=U0DEV&user_name=dev"
                + "&command=" + enc("/dolly") + "&text=list&api_app_id=A0&is_enterprise_install=false"
                + "&response_url=" + enc(responseUrl) + "&trigger_id=123.456.abc";
        String sig = "v0=" + Hmac.hex(secret, "v0:" + ts + ":" + body);
        return JSON.createObjectNode()
                .put("version", "2.0").put("routeKey", "POST /slack/events").put("rawPath", "/slack/events").put("rawQueryString", "")
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("headers", JSON.createObjectNode()
                        .put("content-type", "application/x-www-form-urlencoded").put("x-slack-request-timestamp", "" + ts)
                        .put("x-slack-signature", sig))
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("requestContext", JSON.createObjectNode()
                        .set("http", JSON.createObjectNode().put("method", "POST").put("path", "/slack/events")))
                .put("body", body).put("isBase64Encoded", false).toString();
    }

    private static JsonNode invoke(FunctionInvoker invoker, String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        invoker.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    @Test
    void slashCommandIsAckedAndItsWorkRunsInAnAsynchronousSelfInvocation() throws Exception {
        FunctionInvoker invoker = new FunctionInvoker("slackEvents");
        long ts = Instant.now().getEpochSecond();
        String event = slashCommand(SIGNING_SECRET, ts, aws.baseUrl() + "/response/1");

        long t0 = System.nanoTime();
        JsonNode ack = invoke(invoker, event);
        assertThat(ack.get("statusCode").asInt()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));

        List<LoggedRequest> invokes = aws.findAll(postRequestedFor(urlPathEqualTo("/2015-03-31/functions/dolly-slack-events/invocations")));
        assertThat(invokes).hasSize(1);
        assertThat(invokes.get(0).getHeader("X-Amz-Invocation-Type")).isEqualTo("Event");
        assertThat(invokes.get(0).queryParameter("Qualifier").firstValue()).as("the deployment's alias").isEqualTo("live");
        String workEvent = invokes.get(0).getBodyAsString();
        assertThat(JSON.readTree(workEvent).get("rawPath").asText()).isEqualTo("/slack/work");
        assertThat(aws.findAll(postRequestedFor(urlPathEqualTo("/response/1")))).as("nothing answered before the work ran").isEmpty();

        // Lambda delivers the event to the same function: the work runs and answers through response_url
        JsonNode ran = invoke(invoker, workEvent);
        assertThat(ran.get("statusCode").asInt()).isEqualTo(202);
        List<LoggedRequest> answers = aws.findAll(postRequestedFor(urlPathEqualTo("/response/1")));
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).getBodyAsString()).contains("ephemeral");

        // forged work (not signed with the key derived from the signing secret) is refused
        String forged = workEvent.replace("\"text\\\":\\\"list\\\"", "\"text\\\":\\\"destroy x\\\"");
        assertThat(forged).isNotEqualTo(workEvent);
        assertThat(invoke(invoker, forged).get("statusCode").asInt()).isEqualTo(401);
    }
}
