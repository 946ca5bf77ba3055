package dev.dolly.functions.service;

import dev.dolly.agent.api.HealthResponse;
import dev.dolly.agent.api.SnapshotView;
import dev.dolly.agent.api.TemplateView;
import dev.dolly.agent.api.client.AgentException;
import dev.dolly.functions.agent.AgentClient;
import dev.dolly.functions.agent.AgentClients;
import dev.dolly.agent.api.client.AgentException;
import dev.dolly.functions.domain.HostInfo;
import dev.dolly.functions.events.EventType;
import dev.dolly.functions.events.Events;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.HostItem;
import dev.dolly.functions.store.Records;
import dev.dolly.functions.store.TemplateItem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the configured hosts and records their heartbeats: health (free space, clone count)
 * and the template snapshots each holds, polled from each agent's {@code /v1/health} and
 * {@code /v1/templates}. Placement reads what this writes.
 */
public class HostMonitor {
    private static final Logger log = LoggerFactory.getLogger(HostMonitor.class);
    /** A heartbeat older than this no longer counts as healthy. */
    public static final Duration STALE_AFTER = Duration.ofMinutes(3);

    private final DollyStore store;
    private final AgentClients agents;
    private final Map<String, String> urls;
    private final Clock clock;
    private final Map<String, List<TemplateView>> lastTemplates = new ConcurrentHashMap<>();
    /** A pool with less free than this share of its size raises {@code pool.alert} (once, when it falls below). */
    public static final double POOL_ALERT_FREE_SHARE = 0.10;
    private volatile Events events = Events.NONE;

    /** Sends pool alerts to {@code e} (the webhooks) from now on. */
    public HostMonitor events(Events e) {
        this.events = e == null ? Events.NONE : e;
        return this;
    }

    private static boolean poolLow(long free, long size) {
        return size > 0 && free < size * POOL_ALERT_FREE_SHARE;
    }

    /** The host's record after {@code change}, with a pool alert when the change took its pool below the line. */
    private HostInfo updateWatchingPool(String host, java.util.function.Consumer<HostItem> change) {
        boolean[] fell = {false};
        HostInfo after = Records.host(store.updateHost(host, h -> {
            boolean before = poolLow(h.getFreeBytes(), h.getSizeBytes());
            change.accept(h);
            fell[0] = !before && poolLow(h.getFreeBytes(), h.getSizeBytes());
        }));
        if (fell[0]) {
            long free = after.freeBytes();
            log.warn("host {}: pool nearly full ({} bytes free)", host, free);
            events.publish(EventType.POOL_ALERT, Map.of("host", host, "freeBytes", free, "sizeBytes", after.sizeBytes(),
                    "threshold", POOL_ALERT_FREE_SHARE));
        }
        return after;
    }

    public HostMonitor(DollyStore store, AgentClients agents, Map<String, String> urls, Clock clock) {
        this.store = store;
        this.agents = agents;
        this.urls = urls;
        this.clock = clock;
    }

    /** Polls every configured host; returns what each now looks like. */
    public List<HostInfo> heartbeatAll() {
        List<HostInfo> out = new ArrayList<>();
        for (AgentClient a : agents.all()) {
            out.add(heartbeat(a.host()));
        }
        return out;
    }

    /** Polls one host and records what it said (or that it did not answer). */
    public HostInfo heartbeat(String host) {
        AgentClient a = agents.get(host);
        Instant now = clock.instant();
        try {
            HealthResponse health = a.health();
            List<TemplateView> templates = a.templates();
            lastTemplates.put(host, templates);
            List<String> snapshots = new ArrayList<>();
            List<String> current = new ArrayList<>();
            for (TemplateView t : templates) {
                if (t.currentSnapshot() != null) current.add(t.name() + "/" + t.currentSnapshot());
                if (t.snapshots() != null) {
                    for (SnapshotView s : t.snapshots()) snapshots.add(t.name() + "/" + s.id());
                }
                recordCurrentSnapshot(t);
                recordSnapshots(host, t, now);
            }
            boolean ok = health.status() == null || health.status().equalsIgnoreCase("ok") || health.status().equalsIgnoreCase("up");
            return updateWatchingPool(host, h -> {
                h.setUrl(urls.get(host));
                h.setHealthy(ok);
                h.setConnectHost(health.host());
                h.setFreeBytes(health.poolFreeBytes());
                h.setSizeBytes(health.poolSizeBytes());
                h.setClones(health.clones());
                h.setLastHeartbeat(now);
                if (ok) h.setLastSeenHealthy(now);
                h.setError(ok ? null : "status " + health.status());
                h.setSnapshots(snapshots);
                h.setCurrentSnapshots(current);
            });
        } catch (AgentException e) {
            log.warn("heartbeat of host {} failed: {}", host, e.getMessage());
            return Records.host(store.updateHost(host, h -> {
                h.setUrl(urls.get(host));
                h.setHealthy(false);
                h.setLastHeartbeat(now);
                h.setError(e.getMessage());
            }));
        }
    }

    private void recordSnapshots(String host, TemplateView t, Instant now) {
        try {
            java.util.Set<String> reported = new java.util.HashSet<>();
            if (t.snapshots() != null) {
                for (SnapshotView v : t.snapshots()) {
                    reported.add(v.id());
                    int clones = v.clones() == null ? 0 : v.clones().size();
                    store.updateSnapshot(t.name(), v.id(), s -> {
                        List<String> hosts = s.getHosts() == null ? new ArrayList<>() : new ArrayList<>(s.getHosts());
                        boolean same = hosts.contains(host) && s.getSizeBytes() == v.sizeBytes() && s.isCurrent() == v.current()
                                && s.getClones() == clones && java.util.Objects.equals(s.getCreatedAt(), v.createdAt())
                                && s.getSeenAt() != null && s.getSeenAt().isAfter(now.minus(Duration.ofMinutes(10)));
                        if (same) return false;
                        if (!hosts.contains(host)) hosts.add(host);
                        s.setHosts(hosts);
                        s.setCreatedAt(v.createdAt());
                        s.setSizeBytes(v.sizeBytes());
                        s.setCurrent(v.current());
                        s.setClones(clones);
                        s.setSeenAt(now);
                        return true;
                    });
                }
            }
            for (dev.dolly.functions.store.SnapshotItem s : store.snapshotsOf(t.name())) {
                if (reported.contains(s.getId()) || s.getHosts() == null || !s.getHosts().contains(host)) continue;
                if (s.getHosts().size() == 1) {
                    store.removeSnapshot(s); // retention removed it from its only host
                } else {
                    store.updateSnapshot(t.name(), s.getId(), x -> x.getHosts() != null && x.getHosts().remove(host));
                }
            }
        } catch (RuntimeException e) {
            log.debug("snapshots of {} on {} not recorded: {}", t.name(), host, e.toString());
        }
    }

    /** Records a heartbeat the agent pushed (to {@code agentCallback}); snapshots are still learned by polling. */
    public HostInfo pushed(String host, HealthResponse health) {
        Instant now = clock.instant();
        boolean ok = health.status() == null || health.status().equalsIgnoreCase("ok") || health.status().equalsIgnoreCase("up");
        return updateWatchingPool(host, h -> {
            h.setUrl(urls.get(host));
            h.setHealthy(ok);
            if (health.host() != null) h.setConnectHost(health.host());
            h.setFreeBytes(health.poolFreeBytes());
            h.setSizeBytes(health.poolSizeBytes());
            h.setClones(health.clones());
            h.setLastHeartbeat(now);
            if (ok) h.setLastSeenHealthy(now);
            h.setError(ok ? null : "status " + health.status());
        });
    }

    /** The templates a host reported in its last heartbeat from this process (may be empty). */
    public List<TemplateView> lastTemplates(String host) {
        return lastTemplates.getOrDefault(host, List.of());
    }

    private void recordCurrentSnapshot(TemplateView t) {
        if (t.currentSnapshot() == null) return;
        try {
            TemplateItem item = store.template(t.name());
            if (item == null) item = TemplateItem.create(t.name());
            if (t.currentSnapshot().equals(item.getCurrentSnapshot())) {
                if (t.postgres() != null && !t.postgres().equals(item.getPostgres())) {
                    item.setPostgres(t.postgres());
                    store.putTemplate(item);
                }
                return;
            }
            Instant at = null;
            if (t.snapshots() != null) {
                for (SnapshotView s : t.snapshots()) if (s.id().equals(t.currentSnapshot())) at = s.createdAt();
            }
            if (item.getCurrentSnapshotAt() != null && at != null && at.isBefore(item.getCurrentSnapshotAt())) return;
            item.setCurrentSnapshot(t.currentSnapshot());
            item.setCurrentSnapshotAt(at);
            item.setPostgres(t.postgres());
            store.putTemplate(item);
        } catch (RuntimeException e) {
            log.debug("template {} not updated from heartbeat: {}", t.name(), e.toString());
        }
    }

    /** Healthy: its last heartbeat succeeded recently and its breaker is not open. */
    public boolean healthy(HostInfo h) {
        return h != null && h.healthy() && h.lastHeartbeat() != null
                && h.lastHeartbeat().isAfter(clock.instant().minus(STALE_AFTER))
                && agents.knows(h.name()) && !agents.get(h.name()).unavailable();
    }

    /** Configured hosts whose record is missing or stale. */
    public boolean anyStale(List<HostInfo> known) {
        Instant limit = clock.instant().minus(Duration.ofSeconds(60));
        for (AgentClient a : agents.all()) {
            HostInfo h = known.stream().filter(k -> k.name().equals(a.host())).findFirst().orElse(null);
            if (h == null || h.lastHeartbeat() == null || h.lastHeartbeat().isBefore(limit)) return true;
        }
        return false;
    }
}
