package dev.dolly.functions.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;

/** Signed AWS calls against a WireMock stand-in: the signature's scope and headers, retries, Secrets Manager's answers. */
class AwsApiTest {
    private WireMockServer aws;

    @BeforeEach
    void start() {
        aws = new WireMockServer(options().dynamicPort());
        aws.start();
    }

    @AfterEach
    void stop() {
        aws.stop();
    }

    private AwsApi api(String service, StaticCredentialsProvider credentials) {
        return new AwsApi(service, Region.EU_WEST_1, URI.create(aws.baseUrl()), credentials, UrlConnectionHttpClient.create(),
                DefaultRetryStrategy.standardStrategyBuilder()
                        .retryOnException(e -> e instanceof AwsApi.RetryableAnswer || e instanceof UncheckedIOException).build());
    }

    private static StaticCredentialsProvider basic() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));
    }

    @Test
    void postsSignedForTheServiceAndRegion() {
        aws.stubFor(post(urlPathEqualTo("/2015-03-31/functions/dolly-slack-events/invocations")).willReturn(aResponse().withStatus(202)));

        AwsApi.Answer a = api("lambda", basic()).post("/2015-03-31/functions/dolly-slack-events/invocations?Qualifier=live",
                Map.of("X-Amz-Invocation-Type", "Event"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8));

        assertThat(a.status()).isEqualTo(202);
        LoggedRequest r = aws.findAll(postRequestedFor(urlPathEqualTo("/2015-03-31/functions/dolly-slack-events/invocations"))).get(0);
        assertThat(r.queryParameter("Qualifier").firstValue()).isEqualTo("live");
        assertThat(r.getHeader("X-Amz-Invocation-Type")).isEqualTo("Event");
        assertThat(r.getBodyAsString()).isEqualTo("{\"a\":1}");
        assertThat(r.getHeader("X-Amz-Date")).matches("\\d{8}T\\d{6}Z");
        assertThat(r.getHeader("Authorization"))
                .matches("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/eu-west-1/lambda/aws4_request, "
                        + "SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*x-amz-date[a-z0-9;-]*, Signature=[0-9a-f]{64}")
                .contains("x-amz-invocation-type");
        assertThat(r.containsHeader("X-Amz-Security-Token")).isFalse();
    }

    @Test
    void sessionCredentialsSendTheirToken() {
        aws.stubFor(post(urlPathEqualTo("/")).willReturn(aResponse().withStatus(200).withBody("{}")));

        api("secretsmanager", StaticCredentialsProvider.create(AwsSessionCredentials.create("ASIA1", "secret", "the-token")))
                .post("/", Map.of(), new byte[0]);

        LoggedRequest r = aws.findAll(postRequestedFor(urlPathEqualTo("/"))).get(0);
        assertThat(r.getHeader("X-Amz-Security-Token")).isEqualTo("the-token");
        assertThat(r.getHeader("Authorization")).contains("/eu-west-1/secretsmanager/aws4_request").contains("x-amz-security-token");
    }

    @Test
    void retriesServerErrorsAndThrottlingThenAnswers() {
        aws.stubFor(post(urlPathEqualTo("/x")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("throttled"));
        aws.stubFor(post(urlPathEqualTo("/x")).inScenario("flaky").whenScenarioStateIs("throttled")
                .willReturn(aResponse().withStatus(429)).willSetStateTo("up"));
        aws.stubFor(post(urlPathEqualTo("/x")).inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(202)));

        assertThat(api("lambda", basic()).post("/x", Map.of(), new byte[0]).status()).isEqualTo(202);
        assertThat(aws.findAll(postRequestedFor(urlPathEqualTo("/x")))).hasSize(3);
    }

    @Test
    void givesUpAfterThreeAttemptsWithTheLastAnswer() {
        aws.stubFor(post(urlPathEqualTo("/x")).willReturn(aResponse().withStatus(500).withBody("down")));

        AwsApi.Answer a = api("lambda", basic()).post("/x", Map.of(), new byte[0]);

        assertThat(a.status()).isEqualTo(500);
        assertThat(a.text()).isEqualTo("down");
        assertThat(aws.findAll(postRequestedFor(urlPathEqualTo("/x")))).hasSize(3);
    }

    @Test
    void clientErrorsAreNotRetried() {
        aws.stubFor(post(urlPathEqualTo("/x")).willReturn(aResponse().withStatus(403)));

        assertThat(api("lambda", basic()).post("/x", Map.of(), new byte[0]).status()).isEqualTo(403);
        assertThat(aws.findAll(postRequestedFor(urlPathEqualTo("/x")))).hasSize(1);
    }

    @Test
    void regionalEndpointByDefault() {
        assertThat(AwsApi.of("lambda", "eu-west-1", null).endpoint()).isEqualTo(URI.create("https://lambda.eu-west-1.amazonaws.com"));
        assertThat(AwsApi.of("secretsmanager", "cn-north-1", " ").endpoint())
                .isEqualTo(URI.create("https://secretsmanager.cn-north-1.amazonaws.com.cn"));
        assertThat(AwsApi.of("lambda", "eu-west-1", "http://127.0.0.1:1").endpoint()).isEqualTo(URI.create("http://127.0.0.1:1"));
    }

    @Test
    void secretsManagerReadsTheSecretString() {
        aws.stubFor(post(urlPathEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .withHeader("Content-Type", equalTo("application/x-amz-json-1.1"))
                .withRequestBody(equalToJson("{\"SecretId\":\"arn:aws:secretsmanager:eu-west-1:1:secret:agent\"}"))
                .willReturn(aResponse().withStatus(200).withBody("{\"ARN\":\"arn\",\"Name\":\"agent\",\"SecretString\":\"s3cr3t\"}")));

        assertThat(new SecretsManager(api("secretsmanager", basic())).secretString("arn:aws:secretsmanager:eu-west-1:1:secret:agent"))
                .isEqualTo("s3cr3t");
    }

    @Test
    void secretsManagerErrorsNameTheirType() {
        aws.stubFor(post(urlPathEqualTo("/")).willReturn(aResponse().withStatus(400)
                .withBody("{\"__type\":\"ResourceNotFoundException\",\"message\":\"Secrets Manager can't find the specified secret.\"}")));
        SecretsManager sm = new SecretsManager(api("secretsmanager", basic()));

        assertThatThrownBy(() -> sm.secretString("nope"))
                .hasMessage("Secrets Manager answered 400 ResourceNotFoundException: Secrets Manager can't find the specified secret.");
        assertThat(aws.findAll(postRequestedFor(urlPathEqualTo("/")))).hasSize(1);
    }

    @Test
    void aSecretWithoutStringIsNull() {
        aws.stubFor(post(urlPathEqualTo("/")).willReturn(aResponse().withStatus(200).withBody("{\"SecretBinary\":\"AAE=\"}")));

        assertThat(new SecretsManager(api("secretsmanager", basic())).secretString("bin")).isNull();
    }
}
