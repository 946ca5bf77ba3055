package dev.dolly.functions.service;

import dev.dolly.agent.api.CloneView;
import dev.dolly.agent.api.client.AgentException;
import dev.dolly.control.api.CloneState;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Notifier;
import dev.dolly.functions.agent.AgentClient;
import dev.dolly.functions.agent.AgentClients;
import dev.dolly.functions.config.DollyConfig;
import dev.dolly.functions.store.CloneItem;
import dev.dolly.functions.store.ConflictException;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.HostItem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled sweep: heartbeats every host, expires clones past their TTL or idle longer than
 * their template allows (unless protected), warns owners before that through the {@link Notifier},
 * repairs clones stuck in a transitional state, and reconciles DynamoDB with each agent's real
 * clones (records missing on their host are marked ghosts; clones nobody recorded are reported).
 */
public class Reaper {
    private static final Logger log = LoggerFactory.getLogger(Reaper.class);
    /** A clone in CREATING/RESETTING/DESTROYING this long is looked at again. */
    static final Duration STUCK_AFTER = Duration.ofMinutes(10);
    /** A record younger than this is not judged by reconciliation (its create may be under way). */
    static final Duration RECONCILE_GRACE = Duration.ofMinutes(2);

    /** What one sweep did. */
    public record Report(List<String> expired, List<String> warned, List<String> ghosts, List<String> unknown,
                         List<String> repaired, List<String> errors, Map<String, Boolean> hosts) {}

    private final DollyConfig config;
    private final DollyStore store;
    private final AgentClients agents;
    private final HostMonitor monitor;
    private final CommandService service;
    private final RefreshTracker refreshes;
    private final Supplier<Notifier> notifier;
    private final Clock clock;
    private final Duration warnBefore;

    public Reaper(DollyConfig config, DollyStore store, AgentClients agents, HostMonitor monitor, CommandService service,
                  RefreshTracker refreshes, Supplier<Notifier> notifier, Clock clock, Duration warnBefore) {
        this.config = config;
        this.store = store;
        this.agents = agents;
        this.monitor = monitor;
        this.service = service;
        this.refreshes = refreshes;
        this.notifier = notifier;
        this.clock = clock;
        this.warnBefore = warnBefore;
    }

    private volatile String metricsNamespace;

    /**
     * Also reports {@code HostHeartbeatAgeSeconds} (the oldest healthy heartbeat among hosts) to CloudWatch under
     * {@code namespace}, as an embedded-metric-format line on standard output (Lambda's log becomes the metric).
     */
    public Reaper publishHeartbeatAge(String namespace) {
        this.metricsNamespace = namespace == null || namespace.isBlank() ? null : namespace;
        return this;
    }

    /** The age in seconds of the stalest host's last healthy heartbeat (a host never seen healthy counts as a day). */
    public long heartbeatAgeSeconds(List<HostItem> hosts) {
        Instant now = clock.instant();
        long worst = 0;
        for (HostItem h : hosts) {
            long age = h.getLastSeenHealthy() == null ? 86_400 : Math.max(0, now.getEpochSecond() - h.getLastSeenHealthy().getEpochSecond());
            worst = Math.max(worst, age);
        }
        return hosts.isEmpty() ? 86_400 : worst;
    }

    private void publish(List<HostItem> hosts) {
        String ns = metricsNamespace;
        if (ns == null) return;
        long age = heartbeatAgeSeconds(hosts);
        System.out.println("{\"_aws\":{\"Timestamp\":" + clock.millis() + ",\"CloudWatchMetrics\":[{\"Namespace\":\""
                + ns.replace("\"", "") + "\",\"Dimensions\":[[]],\"Metrics\":[{\"Name\":\"HostHeartbeatAgeSeconds\",\"Unit\":\"Seconds\"}]}]},"
                + "\"HostHeartbeatAgeSeconds\":" + age + "}");
    }

    public Report run() {
        List<String> expired = new ArrayList<>(), warned = new ArrayList<>(), ghosts = new ArrayList<>(), unknown = new ArrayList<>(),
                repaired = new ArrayList<>(), errors = new ArrayList<>();
        Map<String, Boolean> hostHealth = new HashMap<>();
        List<HostItem> hosts = monitor.heartbeatAll();
        for (HostItem h : hosts) hostHealth.put(h.getName(), monitor.healthy(h));
        publish(hosts);

        reconcile(hostHealth, ghosts, unknown, errors);

        Instant now = clock.instant();
        for (CloneItem c : store.allClones()) {
            try {
                if (repairStuck(c, now, repaired)) continue;
                if (c.isProtectedClone() || c.getState() == CloneState.DESTROYING) continue;
                Instant due = dueAt(c);
                if (due == null) continue;
                if (!now.isBefore(due)) {
                    if (c.getHostName() != null && Boolean.FALSE.equals(hostHealth.get(c.getHostName())) && c.getState() != CloneState.FAILED) {
                        continue; // its host is down: expire it when the host is back
                    }
                    service.destroyClone(c, "scheduler", Front.SCHEDULE);
                    store.audit("clone:" + c.getId(), "scheduler", Front.SCHEDULE.name(), "expire", "done",
                            c.getExpiresAt() != null && !now.isBefore(c.getExpiresAt()) ? "ttl" : "idle");
                    expired.add(c.getId());
                } else if (c.getState() == CloneState.READY && !now.isBefore(due.minus(warnBefore)) && !due.equals(c.getWarnedFor())) {
                    CloneItem marked;
                    try {
                        c.setWarnedFor(due);
                        marked = store.update(c); // conditional: two sweeps never warn twice
                    } catch (ConflictException e) {
                        continue;
                    }
                    notifier.get().expiryWarning(Views.ownerForDisplay(c.getOwner()), Views.info(marked), due);
                    warned.add(c.getId());
                }
            } catch (DollyException | AgentException e) {
                errors.add(c.getId() + ": " + e.getMessage());
            } catch (RuntimeException e) {
                log.warn("reaper failed on clone {}", c.getId(), e);
                errors.add(c.getId() + ": " + e);
            }
        }
        refreshes.pollRunning();
        Report r = new Report(expired, warned, ghosts, unknown, repaired, errors, hostHealth);
        if (!expired.isEmpty() || !warned.isEmpty() || !ghosts.isEmpty() || !unknown.isEmpty() || !errors.isEmpty()) {
            log.info("reaper: {}", r);
        }
        return r;
    }

    /** When the clone expires: the earlier of its TTL and its idle limit (last activity + template idle); null never. */
    Instant dueAt(CloneItem c) {
        Instant due = c.getExpiresAt();
        DollyConfig.TemplateConfig t = config.template(c.getTemplate());
        Duration idle = t == null ? null : t.cloneDefaults().idleOrNull();
        if (idle != null && c.getState() == CloneState.READY) {
            Instant last = c.getLastActivityAt() != null ? c.getLastActivityAt() : c.getCreatedAt();
            if (last != null) {
                Instant idleDue = last.plus(idle);
                if (due == null || idleDue.isBefore(due)) due = idleDue;
            }
        }
        return due;
    }

    private boolean repairStuck(CloneItem c, Instant now, List<String> repaired) {
        if (c.getStateSince() == null || c.getStateSince().isAfter(now.minus(STUCK_AFTER))) return false;
        switch (c.getState()) {
            case CREATING, RESETTING -> {
                AgentClient a = c.getHostName() != null && agents.knows(c.getHostName()) ? agents.get(c.getHostName()) : null;
                if (a == null || a.unavailable()) return true;
                CloneView v;
                try {
                    v = a.clone(c.getId());
                } catch (AgentException.Refused e) {
                    v = null;
                }
                CloneView view = v;
                service.change(c.getId(), it -> {
                    it.setStateSince(now);
                    if (view == null) {
                        it.setState(CloneState.FAILED);
                        it.setFailure("not found on host " + c.getHostName() + " after being " + c.getState().name().toLowerCase());
                    } else {
                        it.setState(CloneState.READY);
                        it.setPort(view.port());
                        it.setDatabase(view.database());
                        it.setUser(view.user());
                    }
                });
                repaired.add(c.getId());
                return true;
            }
            case DESTROYING -> {
                service.destroyClone(c, "scheduler", Front.SCHEDULE);
                repaired.add(c.getId());
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private void reconcile(Map<String, Boolean> hostHealth, List<String> ghosts, List<String> unknown, List<String> errors) {
        List<CloneItem> all = store.allClones();
        Instant now = clock.instant();
        for (AgentClient a : agents.all()) {
            if (!Boolean.TRUE.equals(hostHealth.get(a.host()))) continue;
            List<CloneView> real;
            try {
                real = a.clones();
            } catch (AgentException e) {
                errors.add("host " + a.host() + ": " + e.getMessage());
                continue;
            }
            Map<String, CloneView> byId = real.stream().collect(Collectors.toMap(CloneView::id, v -> v, (x, y) -> x));
            Set<String> recorded = all.stream().map(CloneItem::getId).collect(Collectors.toSet());
            for (CloneItem c : all) {
                if (!a.host().equals(c.getHostName())) continue;
                CloneView v = byId.get(c.getId());
                boolean judged = c.getState() == CloneState.READY || c.getState() == CloneState.RESETTING;
                if (v == null && judged && c.getStateSince() != null && c.getStateSince().isBefore(now.minus(RECONCILE_GRACE))) {
                    try {
                        service.change(c.getId(), it -> {
                            it.setState(CloneState.FAILED);
                            it.setGhost(true);
                            it.setStateSince(now);
                            it.setFailure("missing on host " + a.host() + " (found by reconciliation); destroy it to release your quota");
                        });
                        store.audit("clone:" + c.getId(), "scheduler", Front.SCHEDULE.name(), "reconcile", "ghost", "missing on " + a.host());
                        ghosts.add(c.getId());
                    } catch (RuntimeException e) {
                        errors.add(c.getId() + ": " + e.getMessage());
                    }
                } else if (v != null && v.lastActivityAt() != null
                        && (c.getLastActivityAt() == null || v.lastActivityAt().isAfter(c.getLastActivityAt()))) {
                    try {
                        service.change(c.getId(), it -> it.setLastActivityAt(v.lastActivityAt()));
                    } catch (RuntimeException e) {
                        log.debug("last activity of {} not recorded: {}", c.getId(), e.toString());
                    }
                }
            }
            for (CloneView v : real) {
                if (!recorded.contains(v.id())) {
                    unknown.add(a.host() + "/" + v.id());
                    log.warn("host {} serves clone {} (owner {}) that no record knows; left alone, reported", a.host(), v.id(), v.owner());
                    store.audit("host:" + a.host(), "scheduler", Front.SCHEDULE.name(), "reconcile", "unknown-clone", v.id());
                }
            }
        }
    }
}
