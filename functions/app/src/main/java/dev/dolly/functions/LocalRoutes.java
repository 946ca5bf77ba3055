package dev.dolly.functions;

import dev.dolly.functions.metrics.SignedFronts;
import dev.dolly.functions.service.HostMonitor;
import dev.dolly.functions.domain.HostInfo;
import dev.dolly.functions.domain.TemplateInfo;
import dev.dolly.functions.store.CatalogStore;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.web.AgentCallback;
import dev.dolly.functions.web.CiWebhook;
import dev.dolly.functions.web.HttpAnswer;
import dev.dolly.functions.web.HttpCall;
import dev.dolly.functions.web.RequestScope;
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
 * refreshes; unauthenticated, so the server listens on 127.0.0.1 unless told otherwise). The scheduled
 * functions are triggered through {@code local.LocalAdminRoutes} (admin secret); nothing else answers.
 */
@RestController
@ConditionalOnWebApplication
public class LocalRoutes {
    private final CiWebhook ci;
    private final AgentCallback callback;
    private final ObjectProvider<SlackEntry> slack;
    private final CatalogStore store;
    private final HostMonitor monitor;
    private final SignedFronts fronts;

    public LocalRoutes(CiWebhook ci, AgentCallback callback, ObjectProvider<SlackEntry> slack, DollyStore store, HostMonitor monitor,
                       SignedFronts fronts) {
        this.fronts = fronts;
        this.ci = ci;
        this.callback = callback;
        this.slack = slack;
        this.store = new CatalogStore(store);
        this.monitor = monitor;
    }

    @PostMapping("/webhooks/ci")
    public ResponseEntity<String> ciWebhook(HttpServletRequest request, @RequestBody(required = false) byte[] body) {
        return entity(fronts.seen("ci", RequestScope.handle(call(request, body), ci::handle)));
    }

    @PostMapping("/agent/callback")
    public ResponseEntity<String> agentCallback(HttpServletRequest request, @RequestBody(required = false) byte[] body) {
        return entity(fronts.seen("agent", RequestScope.handle(call(request, body), callback::handle)));
    }

    @PostMapping("/slack/events")
    public ResponseEntity<String> slackEvents(HttpServletRequest request) throws java.io.IOException {
        // Slack signs the exact bytes it sent. A form body bound with @RequestBody is rebuilt by Spring
        // from the parsed parameters (re-encoded, e.g. %20 becomes +), which breaks the signature:
        // read the raw stream instead (nothing has parsed the parameters yet).
        byte[] body = request.getInputStream().readAllBytes();
        return entity(fronts.seen("slack", RequestScope.handle(call(request, body), slack.getObject()::handle)));
    }

    @GetMapping("/health")
    public Map<String, Object> health() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> hosts = new ArrayList<>();
        for (HostInfo h : store.hosts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", h.name());
            m.put("healthy", monitor.healthy(h));
            m.put("freeBytes", h.freeBytes());
            m.put("clones", h.clones());
            m.put("lastHeartbeat", h.lastHeartbeat() == null ? null : h.lastHeartbeat().toString());
            hosts.add(m);
        }
        Map<String, Object> templates = new LinkedHashMap<>();
        for (TemplateInfo t : store.templates()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("currentSnapshot", t.currentSnapshot());
            m.put("currentSnapshotAt", t.currentSnapshotAt() == null ? null : t.currentSnapshotAt().toString());
            m.put("refreshJob", t.refreshJob());
            m.put("refreshState", t.refreshState());
            m.put("refreshPhase", t.refreshPhase());
            m.put("refreshError", t.refreshError());
            m.put("tablesDone", t.tablesDone());
            m.put("tablesTotal", t.tablesTotal());
            m.put("rowsCopied", t.rowsCopied());
            m.put("etaSeconds", t.etaSeconds());
            m.put("lastRefreshAt", t.refreshStartedAt() == null ? null : t.refreshStartedAt().toString());
            templates.put(t.name(), m);
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
