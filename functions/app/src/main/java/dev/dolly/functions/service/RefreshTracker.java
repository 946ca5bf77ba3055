package dev.dolly.functions.service;

import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.client.AgentException;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Notifier;
import dev.dolly.functions.agent.AgentClients;
import dev.dolly.agent.api.client.AgentException;
import dev.dolly.functions.domain.HostInfo;
import dev.dolly.functions.domain.TemplateInfo;
import dev.dolly.functions.store.ConflictException;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.Records;
import dev.dolly.functions.store.TemplateItem;
import dev.dolly.functions.events.EventType;
import dev.dolly.functions.events.Events;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes: starts one per template at a time (the template item holds the running job, claimed
 * with a conditional write), and follows its progress — pushed by the agent to {@code agentCallback}
 * or polled — telling the {@link Notifier}.
 */
public class RefreshTracker {
    private static final Logger log = LoggerFactory.getLogger(RefreshTracker.class);
    /** A refresh not heard of for this long is considered lost and may be started again. */
    static final Duration LOST_AFTER = Duration.ofHours(6);
    private static final DateTimeFormatter JOB_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final DollyStore store;
    private final AgentClients agents;
    private final HostMonitor monitor;
    private final Supplier<Notifier> notifier;
    private final Clock clock;
    private volatile Events events = Events.NONE;

    /** Sends refresh events to {@code e} (the webhooks) from now on. */
    public RefreshTracker events(Events e) {
        this.events = e == null ? Events.NONE : e;
        return this;
    }

    public RefreshTracker(DollyStore store, AgentClients agents, HostMonitor monitor, Supplier<Notifier> notifier, Clock clock) {
        this.store = store;
        this.agents = agents;
        this.monitor = monitor;
        this.notifier = notifier;
        this.clock = clock;
    }

    static CommandResult.RefreshInfo info(TemplateItem t) {
        return info(Records.template(t));
    }

    static CommandResult.RefreshInfo info(TemplateInfo t) {
        return new CommandResult.RefreshInfo(t.name(), t.refreshJob(), t.refreshState(), t.refreshPhase(),
                t.tablesDone(), t.tablesTotal(), t.rowsCopied(), t.etaSeconds(), t.refreshSnapshot(), t.refreshError(),
                "SUCCEEDED".equals(t.refreshState()) && t.refreshSnapshot() != null
                        && t.refreshSnapshot().equals(t.currentSnapshot()) ? t.upgrade() : null);
    }

    /** Starts a refresh of {@code template} unless one runs; returns the running one either way. */
    public CommandResult.RefreshInfo start(String template, String byKey, Front front) {
        Instant now = clock.instant();
        for (int attempt = 0; attempt < 5; attempt++) {
            TemplateItem t = store.template(template);
            if (t == null) t = TemplateItem.create(template);
            if (t.refreshRunning() && t.getRefreshUpdatedAt() != null && t.getRefreshUpdatedAt().isAfter(now.minus(LOST_AFTER))) {
                return info(t);
            }
            HostInfo host = hostFor(template);
            String job = template + "-" + JOB_TIME.format(now);
            t.setRefreshJob(job);
            t.setRefreshHost(host.name());
            t.setRefreshState("RUNNING");
            t.setRefreshPhase("starting");
            t.setTablesDone(0);
            t.setTablesTotal(0);
            t.setRowsCopied(0);
            t.setEtaSeconds(null);
            t.setRefreshError(null);
            t.setRefreshSnapshot(null);
            t.setRefreshStartedAt(now);
            t.setRefreshUpdatedAt(now);
            t.setRequestedBy(byKey);
            try {
                store.putTemplate(t);
            } catch (ConflictException e) {
                continue; // someone else claimed it first: report theirs
            }
            store.audit("template:" + template, byKey, front.name(), "refresh", "requested", "job " + job + " on " + host.name());
            try {
                JobView v = agents.get(host.name()).refresh(template, job);
                CommandResult.RefreshInfo started = record(host.name(), v);
                events.publish(EventType.REFRESH_STARTED, Map.of("template", template, "job", v.id(), "host", host.name(), "by", byKey));
                return started;
            } catch (AgentException e) {
                TemplateItem failed = store.template(template);
                failed.setRefreshState("FAILED");
                failed.setRefreshError(e.getMessage());
                failed.setRefreshUpdatedAt(clock.instant());
                try { store.putTemplate(failed); } catch (ConflictException ignored) { /* progress arrived */ }
                throw Errors.from(e, "start a refresh of '" + template + "'");
            }
        }
        throw new DollyException(ErrorKind.CONFLICT, "A refresh of '" + template + "' is being started by someone else; see `status`.");
    }

    private HostInfo hostFor(String template) {
        List<HostInfo> hosts = monitor.heartbeatAll().stream().filter(monitor::healthy).toList();
        return hosts.stream().filter(h -> h.holds(template, null)).max(Comparator.comparingLong(HostInfo::freeBytes))
                .or(() -> hosts.stream().max(Comparator.comparingLong(HostInfo::freeBytes)))
                .orElseThrow(() -> new DollyException(ErrorKind.UNAVAILABLE, "No healthy host can refresh '" + template + "' right now; try again in a minute."));
    }

    /** Records progress of a job on {@code host} (from a callback or a poll) and tells the notifier. */
    public CommandResult.RefreshInfo record(String host, JobView v) {
        for (int attempt = 0; attempt < 10; attempt++) {
            TemplateItem t = store.template(v.template());
            if (t == null) t = TemplateItem.create(v.template());
            if (t.getRefreshJob() != null && !t.getRefreshJob().equals(v.id()) && t.refreshRunning() && !v.id().equals(t.getRefreshJob())) {
                // the agent runs a different job than we asked for (it was already running): follow the agent's
                log.info("template {}: following job {} on {} instead of {}", v.template(), v.id(), host, t.getRefreshJob());
            }
            boolean wasRunning = t.refreshRunning() && v.id().equals(t.getRefreshJob());
            t.setRefreshJob(v.id());
            t.setRefreshHost(host);
            t.setRefreshState(v.state());
            t.setRefreshPhase(v.phase());
            t.setTablesDone(v.tablesDone());
            t.setTablesTotal(v.tablesTotal());
            t.setRowsCopied(v.rowsCopied());
            t.setEtaSeconds(v.etaSeconds());
            t.setRefreshError(v.error());
            t.setRefreshSnapshot(v.snapshot());
            t.setRefreshUpdatedAt(clock.instant());
            if (t.getRefreshStartedAt() == null) t.setRefreshStartedAt(v.startedAt());
            boolean finished = !"RUNNING".equals(v.state());
            if (finished && "SUCCEEDED".equals(v.state()) && v.snapshot() != null) {
                t.setCurrentSnapshot(v.snapshot());
                t.setCurrentSnapshotAt(v.finishedAt() != null ? v.finishedAt() : clock.instant());
                Map<String, Object> result = v.result() == null ? Map.of() : v.result();
                if (result.get("postgres") instanceof Number n) t.setPostgres(n.intValue());
                t.setUpgrade(result.get("upgrade") instanceof Map<?, ?> u && u.get("summary") != null ? u.get("summary").toString() : null);
            }
            try {
                store.putTemplate(t);
            } catch (ConflictException e) {
                continue;
            }
            CommandResult.RefreshInfo info = info(t);
            try {
                if (finished) {
                    if (wasRunning) {
                        store.audit("template:" + v.template(), "agent:" + host, Front.AGENT.name(), "refresh", v.state(),
                                v.snapshot() != null ? "snapshot " + v.snapshot() : v.error());
                        finished(host, v);
                        notifier.get().refreshFinished(info);
                        if ("SUCCEEDED".equals(v.state()) && agents.knows(host)) {
                            monitor.heartbeat(host); // placement sees the new snapshot at once
                        }
                    }
                } else {
                    notifier.get().refreshProgress(info);
                }
            } catch (RuntimeException e) {
                log.warn("notifier failed for refresh {} of {}: {}", v.id(), v.template(), e.toString());
            }
            return info;
        }
        throw new DollyException(ErrorKind.CONFLICT, "Progress of refresh " + v.id() + " could not be recorded; it is retried.");
    }

    private void finished(String host, JobView v) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("template", v.template());
        m.put("job", v.id());
        m.put("host", host);
        m.put("state", v.state());
        if (v.snapshot() != null) m.put("snapshot", v.snapshot());
        if (v.error() != null) m.put("error", v.error());
        events.publish("SUCCEEDED".equals(v.state()) ? EventType.REFRESH_SUCCEEDED : EventType.REFRESH_FAILED, m);
    }

    /** Polls every running refresh's job on its host (for agents that do not call back). */
    public void pollRunning() {
        for (TemplateItem t : store.allTemplates()) {
            if (!t.refreshRunning() || t.getRefreshHost() == null || !agents.knows(t.getRefreshHost())) continue;
            try {
                record(t.getRefreshHost(), agents.get(t.getRefreshHost()).job(t.getRefreshJob()));
            } catch (AgentException e) {
                log.debug("poll of refresh {} on {} failed: {}", t.getRefreshJob(), t.getRefreshHost(), e.getMessage());
            } catch (RuntimeException e) {
                log.warn("poll of refresh {} failed: {}", t.getRefreshJob(), e.toString());
            }
        }
    }
}
