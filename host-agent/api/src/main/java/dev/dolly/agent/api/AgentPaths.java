package dev.dolly.agent.api;

/**
 * The agent's HTTP routes. Every route under {@link #V1} takes and returns JSON and must be
 * signed (see {@link RequestSigning}); {@link #HEALTH} and {@link #METRICS} are unsigned.
 *
 * <pre>
 * GET    /v1/health                          -> HealthResponse
 * GET    /v1/templates                       -> TemplateView[]
 * POST   /v1/templates/{template}/refresh    RefreshRequest -> JobView (202; the running job if one runs)
 * GET    /v1/jobs/{job}                      -> JobView
 * DELETE /v1/jobs/{job}                      -> JobView (cancel)
 * GET    /v1/clones                          -> CloneView[]
 * POST   /v1/clones                          CreateCloneRequest -> CloneCredentials (201; 200 when it existed: idempotent by clone id)
 * GET    /v1/clones/{clone}                  -> CloneView
 * PATCH  /v1/clones/{clone}                  UpdateCloneRequest -> CloneView
 * DELETE /v1/clones/{clone}                  -> 204
 * POST   /v1/clones/{clone}/reset            ResetRequest -> CloneView
 * POST   /v1/clones/{clone}/password         -> CloneCredentials
 * GET    /v1/clones/{clone}/savepoints       -> SavepointView[]
 * POST   /v1/clones/{clone}/savepoints       SavepointRequest -> SavepointView (201; idempotent by name)
 * DELETE /v1/clones/{clone}/savepoints/{sp}  -> 204
 * POST   /v1/clones/{clone}/checks           CheckRequest -> CheckView (202; idempotent by check id)
 * GET    /v1/checks/{check}                  -> CheckView
 * POST   /v1/checks/{check}/finish           -> CheckView (observe mode: stop observing, answer with the report)
 * GET    /metrics                            Prometheus text format
 * </pre>
 *
 * Errors are {@link ErrorResponse} bodies with an {@link ErrorCode} and its HTTP status.
 */
public final class AgentPaths {
    public static final String V1 = "/v1";
    public static final String HEALTH = V1 + "/health";
    public static final String METRICS = "/metrics";
    public static final String TEMPLATES = V1 + "/templates";
    public static final String JOBS = V1 + "/jobs";
    public static final String CLONES = V1 + "/clones";
    public static final String CHECKS = V1 + "/checks";

    private AgentPaths() {}

    public static String refresh(String template) { return TEMPLATES + "/" + template + "/refresh"; }
    public static String job(String job) { return JOBS + "/" + job; }
    public static String clone(String clone) { return CLONES + "/" + clone; }
    public static String reset(String clone) { return clone(clone) + "/reset"; }
    public static String password(String clone) { return clone(clone) + "/password"; }
    public static String savepoints(String clone) { return clone(clone) + "/savepoints"; }
    public static String savepoint(String clone, String savepoint) { return savepoints(clone) + "/" + savepoint; }
    public static String checks(String clone) { return clone(clone) + "/checks"; }
    public static String check(String check) { return CHECKS + "/" + check; }
    public static String finishCheck(String check) { return check(check) + "/finish"; }
}
