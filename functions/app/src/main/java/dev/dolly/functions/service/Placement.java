package dev.dolly.functions.service;

import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.functions.agent.AgentClients;
import dev.dolly.functions.domain.HostInfo;
import dev.dolly.functions.store.CatalogStore;
import dev.dolly.functions.store.DollyStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where a new clone goes: a healthy host (recent heartbeat, breaker closed) that holds the
 * template's snapshot (the chosen one, or a current one), and among those the most free space.
 * Hosts whose heartbeat is missing or stale are polled first.
 */
public class Placement {
    private final CatalogStore store;
    private final AgentClients agents;
    private final HostMonitor monitor;

    public Placement(DollyStore store, AgentClients agents, HostMonitor monitor) {
        this.store = new CatalogStore(store);
        this.agents = agents;
        this.monitor = monitor;
    }

    public HostInfo choose(String template, String snapshot) {
        if (!agents.all().iterator().hasNext()) {
            throw new DollyException(ErrorKind.UNAVAILABLE, "No host is configured (`hosts:` in the config); nothing can serve clones.");
        }
        List<HostInfo> hosts = configured();
        if (monitor.anyStale(hosts)) {
            monitor.heartbeatAll();
            hosts = configured();
        }
        HostInfo best = pick(hosts, template, snapshot);
        if (best == null) {
            // the snapshot may be new since the last heartbeat: look again once
            monitor.heartbeatAll();
            best = pick(configured(), template, snapshot);
        }
        if (best != null) return best;
        List<String> why = new ArrayList<>();
        boolean anyHealthy = false;
        boolean anyHasTemplate = false;
        for (HostInfo h : configured()) {
            if (!monitor.healthy(h)) {
                why.add(h.name() + " unavailable" + (h.error() == null ? "" : " (" + h.error() + ")"));
            } else {
                anyHealthy = true;
                if (h.holds(template, null)) anyHasTemplate = true;
                why.add(h.name() + (snapshot == null ? " has no snapshot of " + template : " lacks snapshot " + snapshot));
            }
        }
        if (anyHealthy && snapshot != null && anyHasTemplate) {
            throw new DollyException(ErrorKind.NOT_FOUND, "Snapshot '" + snapshot + "' of template '" + template
                    + "' is not on any healthy host. See `snapshots " + template + "` for the ones that exist.");
        }
        throw new DollyException(ErrorKind.UNAVAILABLE, "No healthy host can serve template '" + template + "' right now: "
                + String.join("; ", why) + ". Try again in a minute" + (anyHealthy ? ", or ask an admin to refresh the template." : "."));
    }

    private List<HostInfo> configured() {
        List<HostInfo> out = new ArrayList<>();
        for (HostInfo h : store.hosts()) {
            if (agents.knows(h.name())) out.add(h);
        }
        return out;
    }

    private HostInfo pick(List<HostInfo> hosts, String template, String snapshot) {
        return hosts.stream()
                .filter(monitor::healthy)
                .filter(h -> h.holds(template, snapshot))
                .max(Comparator.comparingLong(HostInfo::freeBytes))
                .orElse(null);
    }
}
