package dev.dolly.agent.api.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.agent.api.AgentJson;
import dev.dolly.agent.api.AgentPaths;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CloneView;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.api.ErrorResponse;
import dev.dolly.agent.api.HealthResponse;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.RequestIds;
import dev.dolly.agent.api.RequestSigning;
import dev.dolly.agent.api.SavepointView;
import dev.dolly.agent.api.TemplateView;
import dev.dolly.agent.api.UpdateCloneRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The signed client of one host agent's API (JDK HTTP client, {@link RequestSigning} with a fresh
 * nonce per request). Used as it is by the agent's tools, tests and benchmarks, and by the control
 * plane under its resilience decorators, which call {@link #send} and {@link #decode} themselves.
 *
 * <p>Failures are {@link AgentException}s: {@link AgentException.Refused} when the agent answered with
 * an error code, {@link AgentException.Unavailable} when it could not be reached, did not answer in
 * time, or failed without a code (HTTP 5xx or 429).
 */
public final class AgentClient {
    private final String host;
    private final URI base;
    private final byte[] secret;
    private final HttpClient http;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration timeout;

    /** The raw answer to one request, with the time it took (the agent's share of a caller's time). */
    public record Answer(int status, String body, long agentNanos) {}

    /**
     * @param host    the host's name (its {@code agent.name}): signed into every request, and used in messages
     * @param base    the agent's base URL (without a trailing slash)
     * @param timeout how long {@link #execute} waits for one answer
     */
    public AgentClient(String host, URI base, byte[] secret, HttpClient http, Clock clock, Duration timeout) {
        this.host = host;
        this.base = base;
        this.secret = secret.clone();
        this.http = http;
        this.json = AgentJson.mapper();
        this.clock = clock;
        this.timeout = timeout;
    }

    /** A client for tools and tests of the agent named {@code host}, waiting up to 5 minutes per answer. */
    public AgentClient(String host, URI base, byte[] secret, Clock clock) {
        this(host, base, secret,
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), clock, Duration.ofMinutes(5));
    }

    public String host() { return host; }

    // ---------------------------------------------------------------- the API

    public HealthResponse health() { return execute(AgentCall.health()); }

    public List<TemplateView> templates() { return execute(AgentCall.templates()); }

    /** Starts a refresh; the agent names the job. */
    public JobView refresh(String template) { return execute(AgentCall.refresh(template, null)); }

    public JobView job(String id) { return execute(AgentCall.job(id)); }

    public JobView cancelJob(String id) { return execute(AgentCall.cancelJob(id)); }

    public CloneCredentials create(CreateCloneRequest r) { return execute(AgentCall.create(r)); }

    public List<CloneView> clones() { return execute(AgentCall.clones()); }

    public CloneView clone(String id) { return execute(AgentCall.clone(id)); }

    public CloneView update(String id, UpdateCloneRequest r) { return execute(AgentCall.update(id, r)); }

    public CloneView reset(String id, String savepoint) { return execute(AgentCall.reset(id, savepoint)); }

    public CloneCredentials password(String id) { return execute(AgentCall.password(id)); }

    public List<SavepointView> savepoints(String id) { return execute(AgentCall.savepoints(id)); }

    public SavepointView savepoint(String id, String name) { return execute(AgentCall.savepoint(id, name)); }

    public void deleteSavepoint(String id, String name) { execute(AgentCall.deleteSavepoint(id, name)); }

    public void destroy(String id) { execute(AgentCall.destroy(id)); }

    /** The agent's Prometheus text (unsigned route). */
    public String metrics() { return call("GET", AgentPaths.METRICS, null).body(); }

    // ---------------------------------------------------------------- plumbing

    /** One call, waiting up to this client's timeout. */
    public <T> T execute(AgentCall<T> call) {
        return decode(call, call(call.method(), call.path(), call.body()));
    }

    /** One signed request, answered with whatever status: for tests of the API's edges. */
    public Answer call(String method, String path, Object body) {
        return await(send(method, path, encode(body), timeout), method, path, timeout);
    }

    /** The JSON bytes of a request body (none for {@code null}). */
    public byte[] encode(Object body) {
        try {
            return body == null ? new byte[0] : json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends one signed request (signed now, with a fresh nonce) carrying this thread's request id ({@link RequestIds});
     * the answer carries its round-trip time.
     */
    public CompletableFuture<Answer> send(String method, String path, byte[] body, Duration requestTimeout) {
        HttpRequest.Builder b = RequestSigning.signed(HttpRequest.newBuilder(base.resolve(path)), secret, clock, method, host, path, body)
                .header("Accept", "application/json")
                .timeout(requestTimeout);
        // the request id of the work this thread does (from the logging MDC), or a new one: the agent logs under it
        b.header(RequestIds.HEADER, RequestIds.orMake(RequestIds.current()));
        if (body.length > 0 || method.equals("POST") || method.equals("PATCH")) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        long start = System.nanoTime();
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Answer(r.statusCode(), r.body(), System.nanoTime() - start));
    }

    /**
     * Waits for an answer {@link #send} (or a time limiter around it) promised; a failure to get one
     * becomes {@link AgentException.Unavailable} ({@code limit} names the wait in the message of a timeout).
     */
    public Answer await(CompletableFuture<Answer> answer, String method, String path, Duration limit) {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof TimeoutException) {
                throw new AgentException.Unavailable(host, "host " + host + " did not answer " + method + " " + path + " within "
                        + limit.toSeconds() + " s", c, false);
            }
            throw new AgentException.Unavailable(host, "host " + host + " could not be reached (" + c.getClass().getSimpleName() + ")", c, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException.Unavailable(host, "interrupted", e, false);
        }
    }

    /** The value of a 2xx answer, or the failure a non-2xx answer means. */
    @SuppressWarnings("unchecked")
    public <T> T decode(AgentCall<T> call, Answer a) {
        int status = a.status();
        String body = a.body() == null ? "" : a.body();
        if (status >= 200 && status < 300) {
            if (call.type() == null || body.isEmpty()) {
                return null;
            }
            try {
                return (T) json.readValue(body, call.type());
            } catch (IOException e) {
                throw new AgentException.Unavailable(host, "host " + host + " answered " + call.method() + " " + call.path()
                        + " with an unreadable body", e, false);
            }
        }
        ErrorResponse error = null;
        try {
            error = json.readValue(body, ErrorResponse.class);
        } catch (IOException | RuntimeException ignored) {
            // not an agent error body: a proxy, a crash, something else
        }
        if (error != null && error.code() != null) {
            throw new AgentException.Refused(host, error.code(), status, error.message());
        }
        if (status >= 500 || status == 429) {
            throw new AgentException.Unavailable(host, "host " + host + " failed " + call.method() + " " + call.path()
                    + " (HTTP " + status + ")", null, false);
        }
        throw new AgentException.Refused(host, ErrorCode.INTERNAL, status, "host " + host + " answered HTTP " + status
                + body.substring(0, Math.min(200, body.length())));
    }

    @Override
    public String toString() {
        return "AgentClient[" + host + " " + base + "]";
    }
}
