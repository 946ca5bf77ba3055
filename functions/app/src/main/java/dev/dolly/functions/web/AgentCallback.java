package dev.dolly.functions.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.agent.api.AgentJson;
import dev.dolly.agent.api.HealthResponse;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.RequestSigning;
import dev.dolly.control.api.CommandResult;
import dev.dolly.functions.service.HostMonitor;
import dev.dolly.functions.service.RefreshTracker;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /agent/callback}: a host agent reports refresh progress or completion (body: a
 * {@link JobView}) or pushes a heartbeat (body: a {@link HealthResponse}); header {@code X-Dolly-Host} names the
 * host, and the request is signed like every agent API call ({@link RequestSigning}: method, that host's name, path
 * {@code /agent/callback}, timestamp, optional nonce, body) with that host's secret. Each signature is accepted
 * once across every control-plane instance (the replay memory is in DynamoDB).
 */
public class AgentCallback {
    private static final Logger log = LoggerFactory.getLogger(AgentCallback.class);
    public static final String PATH = "/agent/callback";
    public static final String HOST_HEADER = RequestSigning.HOST_HEADER;

    private final Map<String, RequestSigning.Verifier> verifiers = new ConcurrentHashMap<>();
    private final RefreshTracker refreshes;
    private final HostMonitor monitor;
    private final ObjectMapper json = AgentJson.mapper();

    /**
     * @param hostSecrets each host's secret by its name
     * @param replays     the replay memory shared by every control-plane instance ({@code store.ReplayStore})
     */
    public AgentCallback(Map<String, String> hostSecrets, RefreshTracker refreshes, HostMonitor monitor, Clock clock,
                         RequestSigning.ReplayMemory replays) {
        hostSecrets.forEach((host, secret) -> verifiers.put(host,
                new RequestSigning.Verifier(secret.getBytes(StandardCharsets.UTF_8), host, clock, replays)));
        this.refreshes = refreshes;
        this.monitor = monitor;
    }

    public HttpAnswer handle(HttpCall call) {
        String host = call.header(HOST_HEADER);
        RequestSigning.Verifier v = host == null ? null : verifiers.get(host);
        RequestSigning.Rejection why = v == null ? RequestSigning.Rejection.MISSING
                : v.verify("POST", PATH, call.header(RequestSigning.TIMESTAMP_HEADER), call.header(RequestSigning.NONCE_HEADER),
                        call.header(RequestSigning.SIGNATURE_HEADER), call.body());
        if (why != null) {
            log.info("agent callback refused ({}) from host '{}'", why, host);
            return HttpAnswer.json(401, "{\"error\":\"unauthorized\",\"message\":\"bad signature\"}");
        }
        JobView job;
        try {
            com.fasterxml.jackson.databind.JsonNode tree = json.readTree(call.body());
            if (tree != null && tree.has("poolFreeBytes")) {
                // a pushed heartbeat: the host registers itself and reports its health
                HealthResponse health = json.treeToValue(tree, HealthResponse.class);
                monitor.pushed(host, health);
                return HttpAnswer.json(200, "{\"host\":\"" + host + "\",\"recorded\":\"heartbeat\"}");
            }
            job = json.treeToValue(tree, JobView.class);
        } catch (Exception e) {
            return HttpAnswer.json(400, "{\"error\":\"bad_request\",\"message\":\"body: not a job or a heartbeat\"}");
        }
        if (job.id() == null || job.template() == null || job.state() == null) {
            return HttpAnswer.json(400, "{\"error\":\"bad_request\",\"message\":\"body: id, template and state are required\"}");
        }
        CommandResult.RefreshInfo info = refreshes.record(host, job);
        try {
            return HttpAnswer.json(200, json.writeValueAsString(info));
        } catch (Exception e) {
            return HttpAnswer.json(200, "{}");
        }
    }
}
