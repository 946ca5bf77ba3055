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
import dev.dolly.functions.domain.Clone;
import dev.dolly.functions.domain.HostInfo;
import dev.dolly.functions.metrics.ControlMeters;
import dev.dolly.functions.store.CloneStore;
import dev.dolly.functions.store.ConflictException;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.HostItem;
import dev.dolly.functions.store.Records;
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
    private final CloneStore clones;
    private final CloneStates states;
    private final CloneLifecycle lifecycle;
    private final RefreshTracker refreshes;
    private final MigrationChecks checks;
    private final Supplier<Notifier> notifier;
    private final Clock clock;
    private final Duration warnBefore;

    public Reaper(DollyConfig config, DollyStore store, AgentClients agents, HostMonitor monitor, CommandService service,
                  RefreshTracker refreshes, Supplier<Notifier> notifier, Clock clock, Duration warnBefore) {
        this.config = config;
        this.store = store;
        this.agents = agents;
        this.monitor = monitor;
        this.clones = new CloneStore(store);
        this.states = service.states();
        this.lifecycle = service.lifecycle();
        this.checks = service.checks();
        this.refreshes = refreshes;
        this.notifier = notifier;
        this.clock = clock;
        this.warnBefore = warnBefore;
    }

    private volatile ControlMeters meters = ControlMeters.NONE;

    /**
     * Also reports each host's heartbeat age (seconds since its last healthy heartbeat; never seen healthy: a day) to
     * {@code m} on every run: on Lambda, CloudWatch's {@code HostHeartbeatAgeSeconds}, which the CDK app alarms on.
     */
    public Reaper reportTo(ControlMeters m) {
        this.meters = m == null ? ControlMeters.NONE : m;
        return this;
    }

    /** The age in seconds of the stalest host's last healthy heartbeat (a host never seen healthy counts as a day). */
    public long heartbeatAgeSeconds(List<HostItem> hosts) {
        return heartbeatAge(hosts.stream().map(Records::host).toList());
    }

    private long heartbeatAge(List<HostInfo> hosts) {
        Instant now = clock.instant();
        long worst = 0;
        for (HostInfo h : hosts) {
            worst = Math.max(worst, ageOf(h, now));
        }
        return hosts.isEmpty() ? 86_400 : worst;
    }

    private static long ageOf(HostInfo h, Instant now) {
        return h.lastSeenHealthy() == null ? 86_400 : Math.max(0, now.getEpochSecond() - h.lastSeenHealthy().getEpochSecond());
    }

    private void publish(List<HostInfo> hosts) {
        Instant now = clock.instant();
        Map<String, Long> ages = new java.util.TreeMap<>();
        for (HostInfo h : hosts) {
            ages.put(h.name(), ageOf(h, now));
        }
        meters.heartbeatAges(ages);
    }

    public Report run() {
        List<String> expired = new ArrayList<>(), warned = new ArrayList<>(), ghosts = new ArrayList<>(), unknown = new ArrayList<>(),
                repaired = new ArrayList<>(), errors = new ArrayList<>();
        Map<String, Boolean> hostHealth = new HashMap<>();
        List<HostInfo> hosts = monitor.heartbeatAll();
        for (HostInfo h : hosts) hostHealth.put(h.name(), monitor.healthy(h));
        publish(hosts);

        reconcile(hostHealth, ghosts, unknown, errors);
        checks.sweep(); // checks nobody waits for: reported, and their clones destroyed, before clones expire below

        Instant now = clock.instant();
        for (Clone c : clones.all()) {
            try {
                if (repairStuck(c, now, repaired)) continue;
                if (c.protectedClone() || c.state() == CloneState.DESTROYING) continue;
                Instant due = dueAt(c);
                if (due == null) continue;
                if (!now.isBefore(due)) {
                    if (c.hostName() != null && Boolean.FALSE.equals(hostHealth.get(c.hostName())) && c.state() != CloneState.FAILED) {
                        continue; // its host is down: expire it when the host is back
                    }
                    lifecycle.destroyClone(c, "scheduler", Front.SCHEDULE);
                    String reason = c.expiresAt() != null && !now.isBefore(c.expiresAt()) ? "ttl" : "idle";
                    store.audit("clone:" + c.id(), "scheduler", Front.SCHEDULE.name(), "expire", "done", reason);
                    java.util.Map<String, Object> about = CloneLifecycle.about(c);
                    about.put("reason", reason);
                    lifecycle.events().publish(dev.dolly.functions.events.EventType.CLONE_EXPIRED, about);
                    expired.add(c.id());
                } else if (c.state() == CloneState.READY && !now.isBefore(due.minus(warnBefore)) && !due.equals(c.warnedFor())) {
                    Clone marked;
                    try {
                        marked = clones.update(c.toBuilder().warnedFor(due).build()); // conditional: two sweeps never warn twice
                    } catch (ConflictException e) {
                        continue;
                    }
                    notifier.get().expiryWarning(Views.ownerForDisplay(c.owner()), Views.info(marked), due);
                    warned.add(c.id());
                }
            } catch (DollyException | AgentException e) {
                errors.add(c.id() + ": " + e.getMessage());
            } catch (RuntimeException e) {
                log.warn("reaper failed on clone {}", c.id(), e);
                errors.add(c.id() + ": " + e);
            }
        }
        refreshes.pollRunning();
        try {
            lifecycle.events().redrive();
        } catch (RuntimeException e) {
            log.warn("webhook redrive failed: {}", e.toString());
        }
        Report r = new Report(expired, warned, ghosts, unknown, repaired, errors, hostHealth);
        if (!expired.isEmpty() || !warned.isEmpty() || !ghosts.isEmpty() || !unknown.isEmpty() || !errors.isEmpty()) {
            log.info("reaper: {}", r);
        }
        return r;
    }

    /** When the clone expires: the earlier of its TTL and its idle limit (last activity + template idle); null never. */
    Instant dueAt(Clone c) {
        Instant due = c.expiresAt();
        DollyConfig.TemplateConfig t = config.template(c.template());
        Duration idle = t == null ? null : t.cloneDefaults().idleOrNull();
        if (idle != null && c.state() == CloneState.READY) {
            Instant last = c.lastActivityAt() != null ? c.lastActivityAt() : c.createdAt();
            if (last != null) {
                Instant idleDue = last.plus(idle);
                if (due == null || idleDue.isBefore(due)) due = idleDue;
            }
        }
        return due;
    }

    private boolean repairStuck(Clone c, Instant now, List<String> repaired) {
        if (c.stateSince() == null || c.stateSince().isAfter(now.minus(STUCK_AFTER))) return false;
        switch (c.state()) {
            case CREATING, RESETTING -> {
                AgentClient a = c.hostName() != null && agents.knows(c.hostName()) ? agents.get(c.hostName()) : null;
                if (a == null || a.unavailable()) return true;
                CloneView v;
                try {
                    v = a.clone(c.id());
                } catch (AgentException.Refused e) {
                    v = null;
                }
                CloneView view = v;
                states.change(c.id(), it -> {
                    Clone.Builder b = it.toBuilder().stateSince(now);
                    if (view == null) {
                        b.state(CloneState.FAILED)
                                .failure("not found on host " + c.hostName() + " after being " + c.state().name().toLowerCase());
                    } else {
                        b.state(CloneState.READY).port(view.port()).database(view.database()).user(view.user());
                    }
                    return b.build();
                });
                repaired.add(c.id());
                return true;
            }
            case DESTROYING -> {
                lifecycle.destroyClone(c, "scheduler", Front.SCHEDULE);
                repaired.add(c.id());
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private void reconcile(Map<String, Boolean> hostHealth, List<String> ghosts, List<String> unknown, List<String> errors) {
        List<Clone> all = clones.all();
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
            Set<String> recorded = all.stream().map(Clone::id).collect(Collectors.toSet());
            for (Clone c : all) {
                if (!a.host().equals(c.hostName())) continue;
                CloneView v = byId.get(c.id());
                boolean judged = c.state() == CloneState.READY || c.state() == CloneState.RESETTING;
                if (v == null && judged && c.stateSince() != null && c.stateSince().isBefore(now.minus(RECONCILE_GRACE))) {
                    try {
                        states.change(c.id(), it -> it.toBuilder().state(CloneState.FAILED).ghost(true).stateSince(now)
                                .failure("missing on host " + a.host() + " (found by reconciliation); destroy it to release your quota").build());
                        store.audit("clone:" + c.id(), "scheduler", Front.SCHEDULE.name(), "reconcile", "ghost", "missing on " + a.host());
                        ghosts.add(c.id());
                    } catch (RuntimeException e) {
                        errors.add(c.id() + ": " + e.getMessage());
                    }
                } else if (v != null && v.lastActivityAt() != null
                        && (c.lastActivityAt() == null || v.lastActivityAt().isAfter(c.lastActivityAt()))) {
                    try {
                        states.change(c.id(), it -> it.toBuilder().lastActivityAt(v.lastActivityAt()).build());
                    } catch (RuntimeException e) {
                        log.debug("last activity of {} not recorded: {}", c.id(), e.toString());
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
