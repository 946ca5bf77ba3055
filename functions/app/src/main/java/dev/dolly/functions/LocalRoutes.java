package dev.dolly.functions;

import dev.dolly.functions.service.HostMonitor;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.HostItem;
import dev.dolly.functions.store.TemplateItem;
import dev.dolly.functions.web.AgentCallback;
import dev.dolly.functions.web.CiWebhook;
import dev.dolly.functions.web.HttpAnswer;
import dev.dolly.functions.web.HttpCall;
import dev.dolly.functions.web.SlackEntry;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The local HTTP routes (the same handlers the Lambda functions use): {@code POST /webhooks/ci},
 * {@code POST /slack/events}, {@code POST /agent/callback}, {@code GET /health} (hosts, templates and their
 * refreshes; unauthenticated, so the server listens on 127.0.0.1 unless told otherwise). Spring Cloud
 * Function's web support also serves every function at {@code /<name>} (e.g. {@code POST /scheduledRefresh}).
 */
@RestController
@ConditionalOnWebApplication
public class LocalRoutes {
    private final CiWebhook ci;
    private final AgentCallback callback;
    private final ObjectProvider<SlackEntry> slack;
    private final DollyStore store;
    private final HostMonitor monitor;

    public LocalRoutes(CiWebhook ci, AgentCallback callback, ObjectProvider<SlackEntry> slack, DollyStore store, HostMonitor monitor) {
        this.ci = ci;
        this.callback = callback;
        this.slack = slack;
        this.store = store;
        this.monitor = monitor;
    }

    @PostMapping("/webhooks/ci")
    public ResponseEntity<String> ciWebhook(HttpServletRequest request, @RequestBody(required = false) byte[] body) {
        return entity(ci.handle(call(request, body)));
    }

    @PostMapping("/agent/callback")
    public ResponseEntity<String> agentCallback(HttpServletRequest request, @RequestBody(required = false) byte[] body) {
        return entity(callback.handle(call(request, body)));
    }

    @PostMapping("/slack/events")
    public ResponseEntity<String> slackEvents(HttpServletRequest request) throws java.io.IOException {
        // Slack signs the exact bytes it sent. A form body bound with @RequestBody is rebuilt by Spring
        // from the parsed parameters (re-encoded, e.g. %20 becomes +), which breaks the signature:
        // read the raw stream instead (nothing has parsed the parameters yet).
        byte[] body = request.getInputStream().readAllBytes();
        return entity(slack.getObject().handle(call(request, body)));
    }

    @GetMapping("/health")
    public Map<String, Object> health() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> hosts = new ArrayList<>();
        for (HostItem h : store.allHosts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", h.getName());
            m.put("healthy", monitor.healthy(h));
            m.put("freeBytes", h.getFreeBytes());
            m.put("clones", h.getClones());
            m.put("lastHeartbeat", h.getLastHeartbeat() == null ? null : h.getLastHeartbeat().toString());
            hosts.add(m);
        }
        Map<String, Object> templates = new LinkedHashMap<>();
        for (TemplateItem t : store.allTemplates()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("currentSnapshot", t.getCurrentSnapshot());
            m.put("currentSnapshotAt", t.getCurrentSnapshotAt() == null ? null : t.getCurrentSnapshotAt().toString());
            m.put("refreshJob", t.getRefreshJob());
            m.put("refreshState", t.getRefreshState());
            m.put("refreshPhase", t.getRefreshPhase());
            m.put("refreshError", t.getRefreshError());
            m.put("tablesDone", t.getTablesDone());
            m.put("tablesTotal", t.getTablesTotal());
            m.put("rowsCopied", t.getRowsCopied());
            m.put("etaSeconds", t.getEtaSeconds());
            m.put("lastRefreshAt", t.getRefreshStartedAt() == null ? null : t.getRefreshStartedAt().toString());
            templates.put(t.getName(), m);
        }
        ScheduleView.addTo(templates, store);
        out.put("status", "ok");
        out.put("slack", slack.getObject() instanceof dev.dolly.functions.web.SlackBridge);
        out.put("hosts", hosts);
        out.put("templates", templates);
        return out;
    }

    static HttpCall call(HttpServletRequest request, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, request.getHeader(name));
        }
        String path = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        return new HttpCall(request.getMethod(), path, headers, body);
    }

    static ResponseEntity<String> entity(HttpAnswer a) {
        HttpHeaders h = new HttpHeaders();
        a.headers().forEach(h::add);
        return ResponseEntity.status(a.status()).headers(h).body(a.body());
    }
}
