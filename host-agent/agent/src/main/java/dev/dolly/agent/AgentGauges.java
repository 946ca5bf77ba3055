package dev.dolly.agent;

import dev.dolly.agent.api.HealthResponse;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.SnapshotView;
import dev.dolly.agent.api.TemplateView;
import dev.dolly.agent.clone.CloneRecord;
import dev.dolly.agent.clone.CloneService;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.metrics.Metrics;
import dev.dolly.agent.ports.PortPool;
import dev.dolly.agent.refresh.RefreshJobs;
import dev.dolly.agent.template.TemplateCatalog;
import dev.dolly.agent.zfs.Zfs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's gauges, read at scrape time: the pool (size, used, free, reserve), clones by template and state and
 * each clone's disk, warm spares per template, each template's snapshot age and last successful refresh, running
 * refreshes by phase, and the clone ports. Each group is one read (one {@code zfs get}); a group that cannot be read
 * is left out of that scrape.
 */
public final class AgentGauges {
    private final AgentConfig config;
    private final Layout layout;
    private final Zfs zfs;
    private final CloneService clones;
    private final TemplateCatalog catalog;
    private final RefreshJobs jobs;
    private final Clock clock;

    public AgentGauges(AgentConfig config, Layout layout, Zfs zfs, CloneService clones, TemplateCatalog catalog, RefreshJobs jobs,
                       Clock clock) {
        this.config = config;
        this.layout = layout;
        this.zfs = zfs;
        this.clones = clones;
        this.catalog = catalog;
        this.jobs = jobs;
        this.clock = clock;
    }

    public void bindTo(Metrics m, PortPool ports) {
        PoolReserve reserve = new PoolReserve(config, layout, zfs);
        Metrics.Rows size = m.rows("dolly.pool.size.bytes", "Bytes used plus available under the dataset root.");
        Metrics.Rows used = m.rows("dolly.pool.used.bytes", "Bytes used under the dataset root.");
        Metrics.Rows free = m.rows("dolly.pool.free.bytes", "Bytes available under the dataset root.");
        Metrics.Rows kept = m.rows("dolly.pool.reserve.bytes", "Bytes of the pool kept free: creates and savepoints are refused below it.");
        m.onScrape(() -> {
            Zfs.Space s = zfs.space(layout.root());
            size.set(one(s.sizeBytes()));
            used.set(one(s.usedBytes()));
            free.set(one(s.availableBytes()));
            kept.set(one(reserve.reserveBytes(s)));
        }, size, used, free, kept);

        Metrics.Rows byState = m.rows("dolly.clones", "Clones on this host by template and state.", "template", "state");
        Metrics.Rows disk = m.rows("dolly.clone.used.bytes", "Bytes each clone uses (its savepoints and twin included).", "clone", "template");
        Metrics.Rows standbys = m.rows("dolly.twins.ready",
                "Clones whose standby copy is ready, per template: their next reset swaps it in; the others' go in place.", "template");
        m.onScrape(() -> {
            Map<List<String>, Integer> counts = new HashMap<>();
            Map<List<String>, Long> bytes = new HashMap<>();
            Map<List<String>, Integer> ready = new HashMap<>();
            for (String t : config.templates().keySet()) {
                counts.put(List.of(t, "ready"), 0); // a template without clones shows 0, not nothing
                ready.put(List.of(t), 0);
            }
            for (CloneRecord c : clones.records()) {
                if (c.spare()) {
                    continue;
                }
                counts.merge(List.of(c.template(), state(c)), 1, Integer::sum);
                bytes.put(List.of(c.id(), c.template()), c.usedBytes());
                if (clones.twins().ready(c)) {
                    ready.merge(List.of(c.template()), 1, Integer::sum);
                }
            }
            byState.set(counts);
            disk.set(bytes);
            standbys.set(ready);
        }, byState, disk, standbys);

        Metrics.Rows spares = m.rows("dolly.spares.ready", "Warm spares ready to be taken by a create, per template.", "template");
        Metrics.Rows target = m.rows("dolly.spares.target", "Warm spares each template keeps (clone.spares).", "template");
        m.onScrape(() -> {
            Map<List<String>, Integer> ready = new HashMap<>();
            Map<List<String>, Integer> wanted = new HashMap<>();
            for (String t : config.templates().keySet()) {
                ready.put(List.of(t), clones.spares().available(t));
                wanted.put(List.of(t), clones.spares().target(t));
            }
            spares.set(ready);
            target.set(wanted);
        }, spares, target);

        Metrics.Rows snapshotAge = m.rows("dolly.template.snapshot.age.seconds", "Age of each template's current snapshot.", "template");
        Metrics.Rows refreshAge = m.rows("dolly.template.last.refresh.success.age.seconds",
                "Time since each template's last successful refresh (its current snapshot's age when none ran since the agent started).",
                "template");
        Metrics.Rows running = m.rows("dolly.refresh.running", "Refreshes running now, by template and phase (1 per job).", "template", "phase");
        m.onScrape(() -> {
            Instant now = clock.instant();
            Map<String, Instant> lastSuccess = new HashMap<>();
            Map<List<String>, Integer> phases = new HashMap<>();
            for (JobView j : jobs.list()) {
                if (RefreshJobs.SUCCEEDED.equals(j.state()) && j.finishedAt() != null) {
                    lastSuccess.merge(j.template(), j.finishedAt(), (a, b) -> a.isAfter(b) ? a : b);
                } else if (RefreshJobs.RUNNING.equals(j.state())) {
                    phases.merge(List.of(j.template(), j.phase() == null ? "start" : j.phase()), 1, Integer::sum);
                }
            }
            Map<List<String>, Double> snapAges = new HashMap<>();
            Map<List<String>, Double> refreshAges = new HashMap<>();
            for (TemplateView t : catalog.templates()) {
                SnapshotView current = t.snapshots().stream().filter(SnapshotView::current).findFirst().orElse(null);
                if (current != null && current.createdAt() != null) {
                    snapAges.put(List.of(t.name()), seconds(current.createdAt(), now));
                    lastSuccess.merge(t.name(), current.createdAt(), (a, b) -> a.isAfter(b) ? a : b);
                }
            }
            lastSuccess.forEach((t, at) -> refreshAges.put(List.of(t), seconds(at, now)));
            snapshotAge.set(snapAges);
            refreshAge.set(refreshAges);
            running.set(phases);
        }, snapshotAge, refreshAge, running);

        m.gauge("dolly.ports.in.use", "Clone ports in use.", ports::inUse);
        m.gauge("dolly.ports.configured", "Clone ports configured.", ports::size);
        m.gauge("dolly.refresh.jobs.running", "Refresh jobs running.", jobs::running);
    }

    /**
     * {@code dolly_health_degraded{component}}: 1 for each component {@code GET /v1/health} names degraded ({@code pool},
     * {@code zfs}, {@code docker}, {@code refresh:<template>}), 0 for those that are fine, so an alert can fire on one
     * and a dashboard show all. {@code degraded} is asked once per scrape.
     */
    public void bindHealth(Metrics m, java.util.function.Supplier<List<HealthResponse.Degraded>> degraded) {
        Metrics.Rows rows = m.rows("dolly.health.degraded",
                "1 for each component GET /v1/health names degraded (pool, zfs, docker, refresh:<template>), else 0.", "component");
        m.onScrape(() -> {
            Map<List<String>, Integer> v = new HashMap<>();
            for (String c : List.of("pool", "zfs", "docker")) {
                v.put(List.of(c), 0);
            }
            if (config != null) {
                config.templates().keySet().forEach(t -> v.put(List.of("refresh:" + t), 0));
            }
            degraded.get().forEach(d -> v.put(List.of(d.component()), 1));
            rows.set(v);
        }, rows);
    }

    private static String state(CloneRecord c) {
        if (c.resetting() != null) {
            return "resetting";
        }
        return c.ready() ? "ready" : "creating";
    }

    private static Map<List<String>, Long> one(long v) {
        return Map.of(List.of(), v);
    }

    private static double seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toMillis() / 1000.0);
    }
}
