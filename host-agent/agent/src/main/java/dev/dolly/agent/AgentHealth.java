package dev.dolly.agent;

import dev.dolly.agent.api.HealthResponse;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.docker.Containers;
import dev.dolly.agent.refresh.RefreshJobs;
import dev.dolly.agent.zfs.Zfs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/health}: the status placement reads ({@code ok}; {@code pool-full} below agent.minFree;
 * {@code degraded: zfs} or {@code degraded: docker} when one cannot be reached) and what is degraded and why, for
 * whoever is paged: the pool nearly full (free space under twice the reserve creates and savepoints keep) or into its
 * reserve, zfs or dockerd unreachable, a template whose last refresh failed. A nearly full pool or a failing refresh
 * leaves the status {@code ok}: the host still serves clones.
 */
final class AgentHealth {
    private static final Logger log = LoggerFactory.getLogger(AgentHealth.class);
    private final AgentConfig config;
    private final Layout layout;
    private final Zfs zfs;
    private final Containers containers;
    private final PoolReserve reserve;
    private final RefreshJobs jobs;
    private final IntSupplier clones;

    AgentHealth(AgentConfig config, Layout layout, Zfs zfs, Containers containers, RefreshJobs jobs, IntSupplier clones) {
        this.config = config;
        this.layout = layout;
        this.zfs = zfs;
        this.containers = containers;
        this.reserve = new PoolReserve(config, layout, zfs);
        this.jobs = jobs;
        this.clones = clones;
    }

    HealthResponse check(String version) {
        String status = "ok";
        List<HealthResponse.Degraded> degraded = new ArrayList<>();
        long free = -1;
        long size = -1;
        int count = -1;
        try {
            Zfs.Space s = zfs.space(layout.root());
            free = s.availableBytes();
            size = s.sizeBytes();
            count = clones.getAsInt();
            long kept = reserve.reserveBytes(s);
            if (free < config.minFreeBytes()) {
                status = "pool-full";
                degraded.add(new HealthResponse.Degraded("pool", reserve.describe(s, kept) + ": below agent.minFree; no clone is placed here"));
            } else if (free <= kept) {
                degraded.add(new HealthResponse.Degraded("pool", reserve.describe(s, kept) + ": into its reserve, creates and savepoints are refused"));
            } else if (free < 2 * kept) {
                degraded.add(new HealthResponse.Degraded("pool", reserve.describe(s, kept) + ": nearly full, creates are refused at the reserve"));
            }
        } catch (RuntimeException e) {
            status = "degraded: zfs";
            degraded.add(new HealthResponse.Degraded("zfs", "cannot read the pool " + layout.root() + ": " + e.getMessage()));
            log.warn("health: zfs: {}", e.getMessage());
        }
        try {
            containers.list(Map.of(Layout.LABEL_ROOT, layout.root(), Layout.LABEL_KIND, "none"));
        } catch (RuntimeException e) {
            status = "degraded: docker";
            String at = config.dockerHost() == null ? "the default socket" : config.dockerHost();
            degraded.add(new HealthResponse.Degraded("docker", "dockerd unreachable at " + at + ": " + e.getMessage()));
            log.warn("health: docker: {}", e.getMessage());
        }
        failingRefreshes().forEach((template, job) -> degraded.add(new HealthResponse.Degraded("refresh:" + template,
                "the last refresh (" + job.id() + ", finished " + job.finishedAt() + ") failed: " + job.error()
                        + "; clones are made from the previous snapshot")));
        return new HealthResponse(status, config.host(), version, free, size, count, degraded);
    }

    /** Templates whose last finished refresh failed (not cancelled), with that job. */
    private Map<String, JobView> failingRefreshes() {
        Map<String, JobView> last = new LinkedHashMap<>();
        for (JobView j : jobs.list()) {
            if (j.finishedAt() == null || RefreshJobs.CANCELLED.equals(j.state())) {
                continue;
            }
            last.merge(j.template(), j, (a, b) -> b.finishedAt().isAfter(a.finishedAt()) ? b : a);
        }
        last.values().removeIf(j -> !RefreshJobs.FAILED.equals(j.state()));
        return last;
    }
}
