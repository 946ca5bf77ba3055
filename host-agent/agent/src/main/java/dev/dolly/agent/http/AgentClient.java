package dev.dolly.agent.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.agent.AgentException;
import dev.dolly.agent.api.AgentJson;
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
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A small signed client of the agent API (JDK HTTP client), for the benchmark, the tests and
 * operators' scripts. Non-2xx answers become {@link AgentException} with the agent's code.
 */
public final class AgentClient {
    private final URI base;
    private final byte[] secret;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = AgentJson.mapper();

    public AgentClient(URI base, byte[] secret, Clock clock) {
        this.base = base;
        this.secret = secret.clone();
        this.clock = clock;
    }

    /** The raw answer: status and body. */
    public record Answer(int status, String body) {}

    public Answer call(String method, String path, Object body) {
        try {
            byte[] bytes = body == null ? new byte[0] : json.writeValueAsBytes(body);
            long ts = clock.instant().getEpochSecond();
            String nonce = RequestSigning.newNonce();
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                    .timeout(Duration.ofMinutes(5))
                    .header(RequestSigning.TIMESTAMP_HEADER, Long.toString(ts))
                    .header(RequestSigning.NONCE_HEADER, nonce)
                    .header(RequestSigning.SIGNATURE_HEADER, RequestSigning.sign(secret, method, path, ts, nonce, bytes))
                    .header("Content-Type", "application/json")
                    .method(method, bytes.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new AgentException(ErrorCode.INTERNAL, "agent at " + base + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException(ErrorCode.INTERNAL, "interrupted", e);
        }
    }

    private <T> T call(String method, String path, Object body, TypeReference<T> type) {
        Answer a = call(method, path, body);
        try {
            if (a.status() / 100 != 2) {
                ErrorResponse e = json.readValue(a.body(), ErrorResponse.class);
                throw new AgentException(e.code(), e.message());
            }
            return type == null || a.body().isEmpty() ? null : json.readValue(a.body(), type);
        } catch (IOException e) {
            throw new AgentException(ErrorCode.INTERNAL, "unreadable answer " + a.status() + ": " + a.body(), e);
        }
    }

    public HealthResponse health() {
        return call("GET", AgentPaths.HEALTH, null, new TypeReference<>() {});
    }

    public List<TemplateView> templates() {
        return call("GET", AgentPaths.TEMPLATES, null, new TypeReference<>() {});
    }

    public JobView refresh(String template) {
        return call("POST", AgentPaths.refresh(template), new RefreshRequest(null), new TypeReference<>() {});
    }

    public JobView job(String id) {
        return call("GET", AgentPaths.job(id), null, new TypeReference<>() {});
    }

    public JobView cancelJob(String id) {
        return call("DELETE", AgentPaths.job(id), null, new TypeReference<>() {});
    }

    public CloneCredentials create(CreateCloneRequest r) {
        return call("POST", AgentPaths.CLONES, r, new TypeReference<>() {});
    }

    public List<CloneView> clones() {
        return call("GET", AgentPaths.CLONES, null, new TypeReference<>() {});
    }

    public CloneView clone(String id) {
        return call("GET", AgentPaths.clone(id), null, new TypeReference<>() {});
    }

    public CloneView update(String id, UpdateCloneRequest r) {
        return call("PATCH", AgentPaths.clone(id), r, new TypeReference<>() {});
    }

    public CloneView reset(String id, String savepoint) {
        return call("POST", AgentPaths.reset(id), new ResetRequest(savepoint), new TypeReference<>() {});
    }

    public CloneCredentials password(String id) {
        return call("POST", AgentPaths.password(id), null, new TypeReference<>() {});
    }

    public List<SavepointView> savepoints(String id) {
        return call("GET", AgentPaths.savepoints(id), null, new TypeReference<>() {});
    }

    public SavepointView savepoint(String id, String name) {
        return call("POST", AgentPaths.savepoints(id), new SavepointRequest(name), new TypeReference<>() {});
    }

    public void deleteSavepoint(String id, String name) {
        call("DELETE", AgentPaths.savepoint(id, name), null, null);
    }

    public void destroy(String id) {
        call("DELETE", AgentPaths.clone(id), null, null);
    }

    public String metrics() {
        return call("GET", AgentPaths.METRICS, null).body();
    }
}
