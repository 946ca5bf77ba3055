package dev.dolly.functions.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

/**
 * One AWS service API called over HTTPS with the AWS SDK's own parts: its credentials chain, its Signature V4
 * signer, its URLConnection HTTP client and its standard retry strategy (3 attempts, backoff with jitter, on I/O
 * errors, 5xx and 429). The functions make two such calls, a Lambda {@code Invoke} and a Secrets Manager
 * {@code GetSecretValue}; a generated SDK client for each would add its service's full model (4 MB) to the Lambda jar.
 */
public final class AwsApi {
    /** An answer of the API: its status and body. */
    public record Answer(int status, byte[] body) {
        public String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** A 5xx or 429 answer, retried by the retry strategy. */
    static final class RetryableAnswer extends RuntimeException {
        final transient Answer answer;

        RetryableAnswer(Answer answer) {
            super("status " + answer.status(), null, false, false);
            this.answer = answer;
        }
    }

    private final String service;
    private final Region region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final RetryStrategy retries;

    AwsApi(String service, Region region, URI endpoint, AwsCredentialsProvider credentials, SdkHttpClient http, RetryStrategy retries) {
        this.service = service;
        this.region = region;
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.http = http;
        this.retries = retries;
    }

    /**
     * The API of {@code service} (its signing name and endpoint prefix, e.g. {@code lambda}) in {@code region} (the SDK's
     * region chain when null or blank), at {@code endpoint} when one is given, else at the service's regional endpoint.
     */
    public static AwsApi of(String service, String region, String endpoint) {
        Region r = region == null || region.isBlank() ? new DefaultAwsRegionProviderChain().getRegion() : Region.of(region);
        URI uri = endpoint == null || endpoint.isBlank()
                ? URI.create("https://" + service + "." + r.id() + "." + PartitionMetadata.of(r).dnsSuffix())
                : URI.create(endpoint);
        RetryStrategy retries = DefaultRetryStrategy.standardStrategyBuilder()
                .retryOnException(e -> e instanceof RetryableAnswer || e instanceof UncheckedIOException)
                .build();
        return new AwsApi(service, r, uri, DefaultCredentialsProvider.builder().build(), UrlConnectionHttpClient.create(), retries);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** POSTs {@code body} to {@code path} (with its query) with {@code headers}, signed; the last answer, after retries. */
    public Answer post(String path, Map<String, String> headers, byte[] body) {
        RetryToken token = retries.acquireInitialToken(AcquireInitialTokenRequest.create(service)).token();
        while (true) {
            try {
                Answer a = once(path, headers, body);
                if (a.status() >= 500 || a.status() == 429) throw new RetryableAnswer(a);
                retries.recordSuccess(RecordSuccessRequest.create(token));
                return a;
            } catch (RetryableAnswer | UncheckedIOException e) {
                Duration delay;
                try {
                    var refreshed = retries.refreshRetryToken(RefreshRetryTokenRequest.builder().token(token).failure(e).build());
                    token = refreshed.token();
                    delay = refreshed.delay();
                } catch (TokenAcquisitionFailedException out) {
                    if (e instanceof RetryableAnswer r) return r.answer;
                    throw e;
                }
                sleep(delay);
            }
        }
    }

    private Answer once(String path, Map<String, String> headers, byte[] body) {
        SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(endpoint.resolve(path));
        headers.forEach(b::putHeader);
        b.putHeader("Content-Length", Integer.toString(body.length));
        ContentStreamProvider payload = ContentStreamProvider.fromByteArrayUnsafe(body);
        SignedRequest signed = AwsV4HttpSigner.create().sign(s -> s
                .identity(credentials.resolveCredentials())
                .request(b.build())
                .payload(payload)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
        try {
            HttpExecuteResponse r = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(payload))
                    .build()).call();
            byte[] answer;
            try (InputStream in = r.responseBody().map(InputStream.class::cast).orElseGet(() -> new ByteArrayInputStream(new byte[0]))) {
                answer = in.readAllBytes();
            }
            return new Answer(r.httpResponse().statusCode(), answer);
        } catch (IOException e) {
            throw new UncheckedIOException(service + " at " + endpoint + ": " + e.getMessage(), e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry", e);
        }
    }
}
