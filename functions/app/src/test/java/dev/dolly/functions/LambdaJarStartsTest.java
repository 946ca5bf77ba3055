package dev.dolly.functions;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.dolly.agent.api.signing.Hmac;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lambda jar on its own: a fresh JVM whose class path is {@code dolly-functions-aws.jar} alone runs the
 * handler ({@code FunctionInvoker}) as AWS Lambda does, for API Gateway v2 events ({@code ciWebhook}, a Slack
 * command on {@code slackEvents} and its deferred work) and scheduled events ({@code scheduledRefresh},
 * {@code reaper}), against DynamoDB Local served over HTTP by this test and WireMock for the Lambda and Slack APIs. What the shade leaves out (the local server's stacks) is thereby shown not to be needed on Lambda.
 * Tag {@code packaged}: runs after {@code package}.
 */
@Tag("packaged")
class LambdaJarStartsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SLACK_SECRET = "slack-signing-secret-for-tests";

    /** Feeds each event file to a FunctionInvoker of the named function; writes the answers next to them. */
    private static final String DRIVER = """
            import java.io.*;
            import java.nio.file.*;
            import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

            public class LambdaDriver {
                public static void main(String[] args) throws Exception {
                    for (int i = 0; i + 1 < args.length; i += 2) {
                        Path event = Path.of(args[i + 1]);
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        try (InputStream in = Files.newInputStream(event)) {
                            new FunctionInvoker(args[i]).handleRequest(in, out, null);
                        }
                        Files.write(Path.of(event + ".out"), out.toByteArray());
                    }
                }
            }
            """;

    @TempDir
    static Path dir;
    private static DynamoDBProxyServer dynamo;
    private static int dynamoPort;
    private static WireMockServer aws;

    @BeforeAll
    static void start() throws Exception {
        dynamoPort = freePort();
        dynamo = ServerRunner.createServerFromCommandLineArgs(
                new String[] {"-inMemory", "-port", Integer.toString(dynamoPort), "-disableTelemetry"});
        dynamo.start();
        aws = SlackLambdaTest.slackAndLambdaApis();
        Files.writeString(dir.resolve("LambdaDriver.java"), DRIVER);
    }

    @AfterAll
    static void stop() throws Exception {
        if (aws != null) aws.stop();
        if (dynamo != null) dynamo.stop();
    }

    /**
     * One JVM: {@code ciWebhook}, {@code scheduledRefresh} and {@code reaper} as in {@link FunctionInvokerTest}, and a
     * Slack command on {@code slackEvents} as in {@link SlackLambdaTest} (the ack, the self-invocation through the
     * Lambda API); a second JVM, as Lambda would start one, runs the deferred work (Slack's response_url).
     */
    @Test
    void functionsRunFromTheLambdaJarAlone() throws Exception {
        long ts = Instant.now().getEpochSecond();
        String body = "{\"action\":\"status\",\"clone\":\"nope\"}";
        String sig = "sha256=" + Hmac.hex("dev-secret", ts + "." + body);
        Map<String, String> events = new LinkedHashMap<>();
        events.put("ciWebhook", FunctionInvokerTest.apiGatewayEvent("/webhooks/ci", "ci-dev", ts, sig, body, false));
        events.put("scheduledRefresh", "{\"version\":\"0\",\"id\":\"e-1\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.scheduler\","
                + "\"detail\":{\"template\":\"shop\"}}");
        events.put("reaper", "{\"version\":\"0\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"detail\":{}}");
        events.put("slackEvents", SlackLambdaTest.slashCommand(SLACK_SECRET, ts, aws.baseUrl() + "/response/jar"));

        List<JsonNode> answers = runLambdaJar(events);

        JsonNode ci = answers.get(0);
        assertThat(ci.get("statusCode").asInt()).isEqualTo(404);
        assertThat(JSON.readTree(ci.get("body").asText()).get("message").asText()).contains("no clone 'nope'");
        JsonNode refresh = answers.get(1);
        assertThat(refresh.get("template").asText()).isEqualTo("shop");
        assertThat(refresh.get("error").asText()).contains("No healthy host");
        JsonNode reaper = answers.get(2);
        assertThat(reaper.get("expired").isArray()).isTrue();
        assertThat(reaper.get("errors").size()).isZero();
        assertThat(answers.get(3).get("statusCode").asInt()).as("the Slack command's ack").isEqualTo(200);
        List<LoggedRequest> invokes = aws.findAll(postRequestedFor(urlPathEqualTo("/2015-03-31/functions/dolly-slack-events/invocations")));
        assertThat(invokes).hasSize(1);
        assertThat(invokes.get(0).getHeader("X-Amz-Invocation-Type")).isEqualTo("Event");

        JsonNode ran = runLambdaJar(Map.of("slackEvents", invokes.get(0).getBodyAsString())).get(0);
        assertThat(ran.get("statusCode").asInt()).isEqualTo(202);
        List<LoggedRequest> responses = aws.findAll(postRequestedFor(urlPathEqualTo("/response/jar")));
        assertThat(responses).hasSize(1);
        assertThat(responses.get(0).getBodyAsString()).contains("ephemeral");
    }

    /**
     * Runs the named functions' FunctionInvoker, in order, on their events in a new JVM whose class path is the
     * Lambda jar alone (settings as system properties), against this test's DynamoDB Local; returns their answers.
     */
    private static List<JsonNode> runLambdaJar(Map<String, String> events) throws Exception {
        Path jar = PackagedJarsTest.jar("dolly-functions-aws.jar").toAbsolutePath();
        Path configFile = Path.of(System.getProperty("dolly.target", "target"), "test-classes", "test-dolly-lambda-jar.yaml").toAbsolutePath();
        assertThat(configFile).isRegularFile();
        Path run = Files.createTempDirectory(dir, "run");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        Map<String, String> all = new LinkedHashMap<>();
        all.put("dolly.lambda.function-name", "dolly-slack-events");
        all.put("dolly.lambda.endpoint", aws.baseUrl());
        all.put("dolly.lambda.qualifier", "live");
        all.put("SLACK_SIGNING_SECRET", SLACK_SECRET);
        all.put("SLACK_BOT_TOKEN", "xoxb-test");
        all.put("DOLLY_SLACK_API_URL", aws.baseUrl() + "/api/");
        all.put("MAIN_CLASS", DollyFunctionsApplication.class.getName());
        all.put("dolly.config", configFile.toString());
        all.put("dolly.dynamodb.endpoint", "http://127.0.0.1:" + dynamoPort);
        all.put("dolly.dynamodb.region", "eu-west-1");
        all.put("aws.region", "eu-west-1");
        all.put("aws.accessKeyId", "test");
        all.put("aws.secretAccessKey", "test");
        all.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-cp", jar.toString(), dir.resolve("LambdaDriver.java").toString()));
        List<Path> files = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, String> e : events.entrySet()) {
            Path file = run.resolve((i++) + "-" + e.getKey() + ".json");
            Files.writeString(file, e.getValue());
            files.add(file);
            command.add(e.getKey());
            command.add(file.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(run.resolve("log.txt").toFile());
        pb.environment().remove("AWS_LAMBDA_FUNCTION_NAME");
        Process p = pb.start();
        boolean done = p.waitFor(3, TimeUnit.MINUTES);
        if (!done) p.destroyForcibly();
        String log = Files.readString(run.resolve("log.txt"), StandardCharsets.UTF_8);
        assertThat(done && p.exitValue() == 0).as("the Lambda jar's JVM ended well; its output:%n%s", log).isTrue();
        List<JsonNode> answers = new ArrayList<>();
        for (Path f : files) answers.add(JSON.readTree(Files.readAllBytes(Path.of(f + ".out"))));
        return answers;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
