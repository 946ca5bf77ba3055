package dev.dolly.functions.agent;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.agent.api.AgentPaths;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CloneView;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.api.ErrorResponse;
import dev.dolly.agent.api.HealthResponse;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.RefreshRequest;
import dev.dolly.agent.api.RequestSigning;
import dev.dolly.agent.api.ResetRequest;
import dev.dolly.agent.api.SavepointRequest;
import dev.dolly.agent.api.SavepointView;
import dev.dolly.agent.api.TemplateView;
import dev.dolly.agent.api.UpdateCloneRequest;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Signed calls to one host agent over its {@code /v1} API, each through that host's bulkhead, circuit
 * breaker and a time limiter; idempotent calls (reads, create by clone id, destroy, reset, updates,
 * refresh by job id) are retried with the same request, others never.
 */
public final class AgentClient {
    private final String host;
    private final URI base;
    private final byte[] secret;
    private final HttpClient http;
    private final ObjectMapper json;
    private final Clock clock;
    private final CircuitBreaker breaker;
    private final Bulkhead bulkhead;
    private final Retry retry;
    private final TimeLimiter quick;
    private final TimeLimiter slow;
    private final ScheduledExecutorService scheduler;

    AgentClient(String host, URI base, byte[] secret, HttpClient http, ObjectMapper json, Clock clock, CircuitBreaker breaker,
                Bulkhead bulkhead, Retry retry, TimeLimiter quick, TimeLimiter slow, ScheduledExecutorService scheduler) {
        this.host = host;
        this.base = base;
        this.secret = secret.clone();
        this.http = http;
        this.json = json;
        this.clock = clock;
        this.breaker = breaker;
        this.bulkhead = bulkhead;
        this.retry = retry;
        this.quick = quick;
        this.slow = slow;
        this.scheduler = scheduler;
    }

    public String host() { return host; }

    public CircuitBreaker breaker() { return breaker; }

    /** True when calls are refused at once (breaker open). */
    public boolean unavailable() {
        return breaker.getState() == CircuitBreaker.State.OPEN || breaker.getState() == CircuitBreaker.State.FORCED_OPEN;
    }

    // ---------------------------------------------------------------- API

    public HealthResponse health() {
        return call("GET", AgentPaths.HEALTH, null, type(HealthResponse.class), true, false);
    }

    public List<TemplateView> templates() {
        return call("GET", AgentPaths.TEMPLATES, null, json.getTypeFactory().constructType(new TypeReference<List<TemplateView>>() {}), true, false);
    }

    public List<CloneView> clones() {
        return call("GET", AgentPaths.CLONES, null, json.getTypeFactory().constructType(new TypeReference<List<CloneView>>() {}), true, false);
    }

    public CloneView clone(String id) {
        return call("GET", AgentPaths.clone(id), null, type(CloneView.class), true, false);
    }

    /** Idempotent by clone id: retried with the same id. */
    public CloneCredentials create(CreateCloneRequest request) {
        return call("POST", AgentPaths.CLONES, request, type(CloneCredentials.class), true, true);
    }

    public CloneView update(String id, UpdateCloneRequest request) {
        return call("PATCH", AgentPaths.clone(id), request, type(CloneView.class), true, false);
    }

    /** Destroys; an unknown clone counts as destroyed. */
    public void destroy(String id) {
        try {
            call("DELETE", AgentPaths.clone(id), null, null, true, true);
        } catch (AgentException.Refused e) {
            if (e.code() != ErrorCode.UNKNOWN_CLONE) throw e;
        }
    }

    public CloneView reset(String id, String savepoint) {
        return call("POST", AgentPaths.reset(id), new ResetRequest(savepoint), type(CloneView.class), true, true);
    }

    /** Not idempotent (each call makes a new password): never retried. */
    public CloneCredentials rotatePassword(String id) {
        return call("POST", AgentPaths.password(id), null, type(CloneCredentials.class), false, false);
    }

    public SavepointView savepoint(String id, String name) {
        return call("POST", AgentPaths.savepoints(id), new SavepointRequest(name), type(SavepointView.class), false, true);
    }

    /** Idempotent by job id (the agent answers with the running job if one runs). */
    public JobView refresh(String template, String job) {
        return call("POST", AgentPaths.refresh(template), new RefreshRequest(job), type(JobView.class), true, false);
    }

    public JobView job(String job) {
        return call("GET", AgentPaths.job(job), null, type(JobView.class), true, false);
    }

    // ---------------------------------------------------------------- plumbing

    private JavaType type(Class<?> c) {
        return json.getTypeFactory().constructType(c);
    }

    private <T> T call(String method, String path, Object body, JavaType responseType, boolean idempotent, boolean slowCall) {
        byte[] bytes;
        try {
            bytes = body == null ? new byte[0] : json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        boolean[] sent = {false};
        Supplier<T> attempt = () -> {
            sent[0] = true;
            return once(method, path, bytes, responseType, slowCall ? slow : quick);
        };
        Supplier<T> guarded = CircuitBreaker.decorateSupplier(breaker, Bulkhead.decorateSupplier(bulkhead, attempt));
        if (idempotent) {
            guarded = Retry.decorateSupplier(retry, guarded);
        }
        long start = System.nanoTime();
        try {
            return guarded.get();
        } catch (CallNotPermittedException e) {
            throw new AgentException.Unavailable(host, "host " + host + " is unavailable (recent calls failed; retrying it shortly)", e, !sent[0]);
        } catch (BulkheadFullException e) {
            throw new AgentException.Unavailable(host, "host " + host + " is busy (too many calls in flight)", e, !sent[0]);
        } finally {
            AgentTiming.add(System.nanoTime() - start);
        }
    }

    private <T> T once(String method, String path, byte[] body, JavaType responseType, TimeLimiter limiter) {
        long ts = clock.instant().getEpochSecond();
        // a fresh nonce per attempt: polls and retries of the same request within a second are not replays
        String nonce = RequestSigning.newNonce();
        String signature = RequestSigning.sign(secret, method, path, ts, nonce, body);
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .header(RequestSigning.TIMESTAMP_HEADER, Long.toString(ts))
                .header(RequestSigning.NONCE_HEADER, nonce)
                .header(RequestSigning.SIGNATURE_HEADER, signature)
                .header("Accept", "application/json")
                .timeout(limiter.getTimeLimiterConfig().getTimeoutDuration().plusSeconds(1));
        if (body.length > 0 || method.equals("POST") || method.equals("PATCH")) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> response;
        try {
            CompletableFuture<HttpResponse<byte[]>> f = limiter
                    .executeCompletionStage(scheduler, () -> http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()))
                    .toCompletableFuture();
            response = f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof TimeoutException) {
                throw new AgentException.Unavailable(host, "host " + host + " did not answer " + method + " " + path + " within "
                        + limiter.getTimeLimiterConfig().getTimeoutDuration().toSeconds() + " s", c, false);
            }
            throw new AgentException.Unavailable(host, "host " + host + " could not be reached (" + c.getClass().getSimpleName() + ")", c, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException.Unavailable(host, "interrupted", e, false);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            if (responseType == null || response.body().length == 0) {
                return null;
            }
            try {
                return json.readValue(response.body(), responseType);
            } catch (IOException e) {
                throw new AgentException.Unavailable(host, "host " + host + " answered " + method + " " + path + " with an unreadable body", e, false);
            }
        }
        ErrorResponse error = null;
        try {
            error = json.readValue(response.body(), ErrorResponse.class);
        } catch (IOException | RuntimeException ignored) {
            // not an agent error body: a proxy, a crash, something else
        }
        if (error != null && error.code() != null) {
            throw new AgentException.Refused(host, error.code(), status, error.message());
        }
        if (status >= 500 || status == 429) {
            throw new AgentException.Unavailable(host, "host " + host + " failed " + method + " " + path + " (HTTP " + status + ")", null, false);
        }
        throw new AgentException.Refused(host, ErrorCode.INTERNAL, status, "host " + host + " answered HTTP " + status
                + new String(response.body(), 0, Math.min(200, response.body().length), StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "AgentClient[" + host + " " + base + "]";
    }
}
