package dev.dolly.agent.api.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.dolly.agent.api.AgentPaths;
import dev.dolly.agent.api.CheckRequest;
import dev.dolly.agent.api.CheckView;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CloneView;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.HealthResponse;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.RefreshRequest;
import dev.dolly.agent.api.ResetRequest;
import dev.dolly.agent.api.SavepointRequest;
import dev.dolly.agent.api.SavepointView;
import dev.dolly.agent.api.TemplateView;
import dev.dolly.agent.api.UpdateCloneRequest;
import java.util.List;

/**
 * One call of the agent API as data: route, request body, answer type, and what a caller may do
 * with it — {@code idempotent} calls (reads, create by clone id, destroy, reset, updates, refresh
 * by job id) may be retried with the same request; {@code slow} ones (create, destroy, reset,
 * savepoint) do real work on the host and get the long time limit.
 *
 * @param type the answer's JSON type, {@code null} when the answer has no body worth reading
 */
public record AgentCall<T>(String method, String path, Object body, JavaType type, boolean idempotent, boolean slow) {
    private static final TypeFactory TYPES = TypeFactory.defaultInstance();

    private static <T> AgentCall<T> of(String method, String path, Object body, Class<T> type, boolean idempotent, boolean slow) {
        return new AgentCall<>(method, path, body, type == null ? null : TYPES.constructType(type), idempotent, slow);
    }

    private static <T> AgentCall<List<T>> list(String path, TypeReference<List<T>> type) {
        return new AgentCall<>("GET", path, null, TYPES.constructType(type), true, false);
    }

    public static AgentCall<HealthResponse> health() {
        return of("GET", AgentPaths.HEALTH, null, HealthResponse.class, true, false);
    }

    public static AgentCall<List<TemplateView>> templates() {
        return list(AgentPaths.TEMPLATES, new TypeReference<>() {});
    }

    /** Idempotent by job id (the agent answers with the running job if one runs); {@code job} null: the agent names it. */
    public static AgentCall<JobView> refresh(String template, String job) {
        return of("POST", AgentPaths.refresh(template), new RefreshRequest(job), JobView.class, true, false);
    }

    public static AgentCall<JobView> job(String job) {
        return of("GET", AgentPaths.job(job), null, JobView.class, true, false);
    }

    public static AgentCall<JobView> cancelJob(String job) {
        return of("DELETE", AgentPaths.job(job), null, JobView.class, true, false);
    }

    public static AgentCall<List<CloneView>> clones() {
        return list(AgentPaths.CLONES, new TypeReference<>() {});
    }

    public static AgentCall<CloneView> clone(String id) {
        return of("GET", AgentPaths.clone(id), null, CloneView.class, true, false);
    }

    /** Idempotent by clone id: retried with the same id. */
    public static AgentCall<CloneCredentials> create(CreateCloneRequest request) {
        return of("POST", AgentPaths.CLONES, request, CloneCredentials.class, true, true);
    }

    public static AgentCall<CloneView> update(String id, UpdateCloneRequest request) {
        return of("PATCH", AgentPaths.clone(id), request, CloneView.class, true, false);
    }

    public static AgentCall<Void> destroy(String id) {
        return of("DELETE", AgentPaths.clone(id), null, null, true, true);
    }

    public static AgentCall<CloneView> reset(String id, String savepoint) {
        return of("POST", AgentPaths.reset(id), new ResetRequest(savepoint), CloneView.class, true, true);
    }

    /** Not idempotent (each call makes a new password): never retried. */
    public static AgentCall<CloneCredentials> password(String id) {
        return of("POST", AgentPaths.password(id), null, CloneCredentials.class, false, false);
    }

    public static AgentCall<List<SavepointView>> savepoints(String id) {
        return list(AgentPaths.savepoints(id), new TypeReference<>() {});
    }

    public static AgentCall<SavepointView> savepoint(String id, String name) {
        return of("POST", AgentPaths.savepoints(id), new SavepointRequest(name), SavepointView.class, false, true);
    }

    public static AgentCall<Void> deleteSavepoint(String id, String name) {
        return of("DELETE", AgentPaths.savepoint(id, name), null, null, true, false);
    }

    /** Idempotent by check id; files mode returns while the migrations run (poll {@link #check}). */
    public static AgentCall<CheckView> startCheck(String clone, CheckRequest request) {
        return of("POST", AgentPaths.checks(clone), request, CheckView.class, true, true);
    }

    public static AgentCall<CheckView> check(String check) {
        return of("GET", AgentPaths.check(check), null, CheckView.class, true, false);
    }

    /** Observe mode: stop observing and answer with the report; idempotent (a finished check answers its report). */
    public static AgentCall<CheckView> finishCheck(String check) {
        return of("POST", AgentPaths.finishCheck(check), null, CheckView.class, true, true);
    }
}
