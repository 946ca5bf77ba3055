package dev.dolly.functions.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.agent.api.AgentJson;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.RequestSigning;
import dev.dolly.control.api.CommandResult;
import dev.dolly.functions.service.RefreshTracker;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /agent/callback}: a host agent reports refresh progress or completion. The body is a
 * {@link JobView}; header {@code X-Dolly-Host} names the host, and the request is signed like every
 * agent API call ({@link RequestSigning}: method, path {@code /agent/callback}, timestamp, optional
 * nonce, body) with that host's secret.
 */
public class AgentCallback {
    private static final Logger log = LoggerFactory.getLogger(AgentCallback.class);
    public static final String PATH = "/agent/callback";
    public static final String HOST_HEADER = "X-Dolly-Host";

    private final Map<String, RequestSigning.Verifier> verifiers = new ConcurrentHashMap<>();
    private final RefreshTracker refreshes;
    private final ObjectMapper json = AgentJson.mapper();

    public AgentCallback(Map<String, String> hostSecrets, RefreshTracker refreshes, Clock clock) {
        hostSecrets.forEach((host, secret) -> verifiers.put(host, new RequestSigning.Verifier(secret.getBytes(StandardCharsets.UTF_8), clock)));
        this.refreshes = refreshes;
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
            job = json.readValue(call.body(), JobView.class);
        } catch (Exception e) {
            return HttpAnswer.json(400, "{\"error\":\"bad_request\",\"message\":\"body: not a job\"}");
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
