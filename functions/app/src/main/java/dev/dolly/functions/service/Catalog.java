package dev.dolly.functions.service;

import dev.dolly.agent.api.SnapshotView;
import dev.dolly.agent.api.TemplateView;
import dev.dolly.control.api.CloneInfo;
import dev.dolly.control.api.CloneState;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.agent.AgentClient;
import dev.dolly.functions.agent.AgentClients;
import dev.dolly.agent.api.client.AgentException;
import dev.dolly.functions.auth.Authorizer;
import dev.dolly.functions.auth.Role;
import dev.dolly.functions.config.DollyConfig;
import dev.dolly.functions.domain.Clone;
import dev.dolly.functions.domain.HostInfo;
import dev.dolly.functions.domain.SnapshotInfo;
import dev.dolly.functions.domain.TemplateInfo;
import dev.dolly.functions.store.CatalogStore;
import dev.dolly.functions.store.CloneStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The read-only verbs: list and show clones, a template's snapshots (what heartbeats recorded, merged with
 * what the hosts that answer now hold), the templates, and the status of hosts and refreshes.
 */
class Catalog {
    private final DollyConfig config;
    private final Authorizer auth;
    private final CloneStore clones;
    private final CatalogStore catalog;
    private final AgentClients agents;
    private final HostMonitor monitor;
    private final CloneLookup lookup;

    Catalog(DollyConfig config, Authorizer auth, CloneStore clones, CatalogStore catalog, AgentClients agents, HostMonitor monitor,
            CloneLookup lookup) {
        this.config = config;
        this.auth = auth;
        this.clones = clones;
        this.catalog = catalog;
        this.agents = agents;
        this.monitor = monitor;
        this.lookup = lookup;
    }

    CommandResult list(Principal p, Command.ListClones l) {
        auth.check(p, l, null, null);
        List<Clone> items = l.all()
                ? clones.all().stream().filter(c -> auth.has(p, c.template(), Role.VIEWER)).toList()
                : clones.ownedBy(Authorizer.key(p));
        List<CloneInfo> out = items.stream().filter(c -> c.state() != CloneState.GONE)
                .sorted(Comparator.comparing(Clone::createdAt, Comparator.nullsLast(Comparator.naturalOrder())))
                .map(Views::info).toList();
        return new CommandResult.CloneList(out);
    }

    CommandResult show(Principal p, Command.Show s) {
        Clone c = lookup.existing(s.cloneId());
        auth.check(p, s, c.template(), c.owner());
        return new CommandResult.CloneResult(Views.info(c), null, c.failure());
    }

    CommandResult snapshots(Principal p, Command.Snapshots s) {
        String template = s.template();
        if (template == null || config.template(template) == null) {
            auth.check(p, new Command.Templates(), null, null);
            throw new DollyException(ErrorKind.NOT_FOUND, "template: there is no template '" + template + "'. Templates: "
                    + String.join(", ", config.templates().keySet()) + ".");
        }
        auth.check(p, s, template, null);
        Map<String, CommandResult.SnapshotInfo> byId = new LinkedHashMap<>();
        // what hosts last reported (heartbeats), then fresher answers from the hosts that answer now
        for (SnapshotInfo si : catalog.snapshotsOf(template)) {
            byId.put(si.id(), new CommandResult.SnapshotInfo(template, si.id(), si.createdAt(), si.sizeBytes(), si.current(), si.clones()));
        }
        Map<String, CommandResult.SnapshotInfo> live = new LinkedHashMap<>();
        boolean anyLive = false;
        for (AgentClient a : agents.all()) {
            List<TemplateView> views;
            if (a.unavailable()) continue;
            try {
                views = a.templates();
                anyLive = true;
            } catch (AgentException e) {
                continue;
            }
            for (TemplateView t : views) {
                if (!t.name().equals(template) || t.snapshots() == null) continue;
                for (SnapshotView v : t.snapshots()) {
                    live.merge(v.id(), new CommandResult.SnapshotInfo(template, v.id(), v.createdAt(), v.sizeBytes(), v.current(),
                            v.clones() == null ? 0 : v.clones().size()), (x, y) -> new CommandResult.SnapshotInfo(template, x.id(),
                            x.createdAt(), Math.max(x.sizeBytes(), y.sizeBytes()), x.current() || y.current(), x.clones() + y.clones()));
                }
            }
        }
        if (anyLive && agents.all().stream().noneMatch(AgentClient::unavailable)) {
            byId = live; // every host answered: exactly what they hold now
        } else {
            byId.putAll(live);
        }
        List<CommandResult.SnapshotInfo> list = new ArrayList<>(byId.values());
        list.sort(Comparator.comparing(CommandResult.SnapshotInfo::createdAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return new CommandResult.SnapshotList(template, list);
    }

    CommandResult templates(Principal p) {
        auth.check(p, new Command.Templates(), null, null);
        Map<String, TemplateInfo> state = new LinkedHashMap<>();
        for (TemplateInfo t : catalog.templates()) state.put(t.name(), t);
        List<CommandResult.TemplateInfo> out = new ArrayList<>();
        config.templates().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (!auth.has(p, e.getKey(), Role.VIEWER)) return;
            TemplateInfo t = state.get(e.getKey());
            Instant next = catalog.nextScheduledRun(e.getKey());
            out.add(new CommandResult.TemplateInfo(e.getKey(), e.getValue().description(),
                    t == null ? null : t.currentSnapshot(), t == null ? null : t.currentSnapshotAt(),
                    e.getValue().refresh() == null ? null : e.getValue().refresh().schedule(),
                    t == null ? null : t.refreshStartedAt(), t == null ? null : t.refreshState(), next,
                    t == null ? null : t.postgres(), t == null ? null : t.upgrade()));
        });
        return new CommandResult.TemplateList(out);
    }

    CommandResult status(Principal p) {
        auth.check(p, new Command.Status(), null, null);
        List<CommandResult.HostInfo> hosts = new ArrayList<>();
        for (HostInfo h : catalog.hosts()) {
            if (!agents.knows(h.name())) continue;
            hosts.add(new CommandResult.HostInfo(h.name(), monitor.healthy(h), h.freeBytes(), h.clones(), h.lastHeartbeat()));
        }
        int count = (int) clones.all().stream().filter(c -> c.state() != CloneState.GONE).count();
        List<CommandResult.RefreshInfo> running = new ArrayList<>();
        for (TemplateInfo t : catalog.templates()) {
            if (t.refreshRunning()) running.add(RefreshTracker.info(t));
        }
        return new CommandResult.StatusInfo(hosts, count, running);
    }
}
