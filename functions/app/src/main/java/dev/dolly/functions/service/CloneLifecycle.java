package dev.dolly.functions.service;

import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.RequestIds;
import dev.dolly.agent.api.CloneView;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.SavepointView;
import dev.dolly.control.api.CloneState;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.agent.AgentClients;
import dev.dolly.agent.api.client.AgentException;
import dev.dolly.functions.auth.Authorizer;
import dev.dolly.functions.config.DollyConfig;
import dev.dolly.config.Durations;
import dev.dolly.functions.domain.Clone;
import dev.dolly.functions.events.EventType;
import dev.dolly.functions.events.Events;
import dev.dolly.functions.domain.HostInfo;
import dev.dolly.functions.domain.Quota;
import dev.dolly.functions.domain.TemplateInfo;
import dev.dolly.functions.store.CatalogStore;
import dev.dolly.functions.store.CloneStore;
import dev.dolly.functions.store.ConflictException;
import dev.dolly.functions.store.DollyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A clone's life: create (placed on a host, quota charged), reset and rollback, savepoint, destroy (quota
 * given back). Each verb authorizes, records its state move through {@link CloneStates}, forwards to the
 * clone's host agent, records the outcome and audits.
 */
class CloneLifecycle {
    private static final Logger log = LoggerFactory.getLogger(CloneLifecycle.class);

    private final DollyConfig config;
    private final Authorizer auth;
    private final DollyStore audit;
    private final CloneStore clones;
    private final CatalogStore catalog;
    private final AgentClients agents;
    private final Placement placement;
    private final CloneStates states;
    private final CloneLookup lookup;
    private final Clock clock;
    private volatile Events events = Events.NONE;

    CloneLifecycle(DollyConfig config, Authorizer auth, DollyStore audit, CloneStore clones, CatalogStore catalog, AgentClients agents,
                   Placement placement, CloneStates states, CloneLookup lookup, Clock clock) {
        this.config = config;
        this.auth = auth;
        this.audit = audit;
        this.clones = clones;
        this.catalog = catalog;
        this.agents = agents;
        this.placement = placement;
        this.states = states;
        this.lookup = lookup;
        this.clock = clock;
    }

    /** Where clone and quota events go (webhooks); none until set. */
    void events(Events e) { this.events = e == null ? Events.NONE : e; }

    Events events() { return events; }

    /** The ids of a clone for its events (never a password). */
    static Map<String, Object> about(Clone c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cloneId", c.id());
        m.put("template", c.template());
        m.put("owner", c.owner());
        if (c.hostName() != null) m.put("host", c.hostName());
        if (c.snapshot() != null) m.put("snapshot", c.snapshot());
        return m;
    }

    // ------------------------------------------------------------------ create

    CommandResult create(Principal p, Front front, Command.Create c) {
        String template = c.template();
        if (template == null || template.isBlank()) {
            throw new DollyException(ErrorKind.BAD_REQUEST, "template: which template to clone is missing.");
        }
        auth.check(p, c, template, null);
        DollyConfig.TemplateConfig tc = config.template(template);
        if (tc == null) {
            throw new DollyException(ErrorKind.NOT_FOUND, "template: there is no template '" + template + "'. Templates: "
                    + String.join(", ", config.templates().keySet()) + ".");
        }
        String ownerKey = Authorizer.key(p);
        String id = c.cloneId() == null || c.cloneId().isBlank() ? derivedName(template, p) : c.cloneId();
        CloneLookup.validName("clone", id);
        RequestIds.put(RequestIds.CLONE, id); // a derived name: into the log context of the rest of the command
        if (c.snapshot() != null) CloneLookup.validName("snapshot", c.snapshot());
        Duration ttl = c.ttl() == null ? tc.cloneDefaults().ttlOrDefault() : c.ttl();
        if (ttl.isNegative() || ttl.isZero()) {
            throw new DollyException(ErrorKind.BAD_REQUEST, "ttl: must be positive, e.g. 2h.");
        }
        Duration maxTtl = auth.maxTtl(p, template);
        if (ttl.compareTo(maxTtl) > 0) {
            events.publish(EventType.QUOTA_EXCEEDED, Map.of("principal", Authorizer.actor(p), "template", template, "limit", "maxTtl",
                    "asked", Durations.format(ttl), "allowed", Durations.format(maxTtl)));
            throw new DollyException(ErrorKind.QUOTA_EXCEEDED, "ttl: " + Durations.format(ttl) + " is over your quota: clones of '"
                    + template + "' may live at most " + Durations.format(maxTtl) + ". Ask for less (and `extend` later).");
        }

        Clone existing = clones.find(id);
        if (existing != null) {
            CommandResult r = existingAnswer(p, existing, template);
            if (r != null) return r;
        }
        Quota quotaSeen = existing == null ? clones.quota(ownerKey) : null;
        if (quotaSeen != null && quotaSeen.clones() >= auth.maxClones(p)) {
            throw overQuota(p, ownerKey);
        }
        HostInfo host = placement.choose(template, c.snapshot());
        Instant now = clock.instant();
        Clone item;
        if (existing != null) {
            // own FAILED clone: take it over (its quota is already charged)
            String oldHost = existing.hostName();
            try {
                item = clones.update(fill(CloneStates.retaken(existing), template, c.snapshot(), host, now, ttl, front).build());
            } catch (ConflictException e) {
                throw new DollyException(ErrorKind.CONFLICT, "Clone '" + id + "' is being changed by another request; try again.");
            }
            if (oldHost != null && !oldHost.equals(host.name()) && agents.knows(oldHost)) {
                try { agents.get(oldHost).destroy(id); } catch (AgentException ignored) { /* the reaper reports leftovers */ }
            }
        } else {
            Clone creating = fill(Clone.builder(id, ownerKey).state(CloneState.CREATING), template, c.snapshot(), host, now, ttl, front).build();
            CloneStore.Created outcome = clones.createCharging(creating, auth.maxClones(p), quotaSeen);
            if (outcome.outcome() == DollyStore.CreateOutcome.QUOTA_EXCEEDED) {
                throw overQuota(p, ownerKey);
            }
            if (outcome.outcome() == DollyStore.CreateOutcome.EXISTS) {
                Clone now2 = clones.find(id);
                if (now2 != null) {
                    CommandResult r = existingAnswer(p, now2, template);
                    if (r != null) return r;
                }
                throw new DollyException(ErrorKind.CONFLICT, "Clone '" + id + "' is being created by another request; try again.");
            }
            item = outcome.recorded();
        }

        CloneCredentials creds;
        try {
            creds = agents.get(host.name()).create(new CreateCloneRequest(id, template, c.snapshot(), ownerKey, item.expiresAt(), false));
        } catch (AgentException e) {
            boolean nothingHappened = e instanceof AgentException.Refused
                    || (e instanceof AgentException.Unavailable u && u.rejectedFast());
            if (nothingHappened) {
                try {
                    clones.removeReleasing(clones.find(id), null);
                } catch (RuntimeException ex) {
                    log.warn("could not remove clone record {} after a refused create: {}", id, ex.toString());
                }
                audit.audit("clone:" + id, Authorizer.actor(p), front.name(), "create", "refused", e.getMessage());
                throw Errors.from(e, "create clone '" + id + "'");
            }
            states.markFailed(id, "host " + host.name() + " did not confirm the create: " + e.getMessage());
            audit.audit("clone:" + id, Authorizer.actor(p), front.name(), "create", "failed", e.getMessage());
            throw new DollyException(ErrorKind.UNAVAILABLE, "Could not create clone '" + id + "': " + e.getMessage()
                    + ". It is marked FAILED: retry the same create, or destroy it.", e);
        }
        CloneView v = creds.cloneView();
        Clone ready = states.created(item, v);
        audit.audit("clone:" + id, Authorizer.actor(p), front.name(), "create", "ready", "template " + template + " on " + host.name() + ", port " + v.port());
        Map<String, Object> created = about(ready);
        created.put("expiresAt", String.valueOf(ready.expiresAt()));
        created.put("front", front.name());
        events.publish(EventType.CLONE_CREATED, created);
        return new CommandResult.CloneResult(Views.info(ready), creds.password(), "Clone " + id + " is ready.");
    }

    private DollyException overQuota(Principal p, String ownerKey) {
        int held = clones.quota(ownerKey).clones();
        events.publish(EventType.QUOTA_EXCEEDED, Map.of("principal", Authorizer.actor(p), "limit", "maxClones", "held", held,
                "allowed", auth.maxClones(p)));
        return new DollyException(ErrorKind.QUOTA_EXCEEDED, "Over quota: " + Authorizer.describe(p) + " holds " + held
                + " clone(s) and may hold at most " + auth.maxClones(p) + ". Destroy one first (`list` shows them).");
    }

    private Clone.Builder fill(Clone.Builder item, String template, String snapshot, HostInfo host, Instant now, Duration ttl, Front front) {
        item.template(template);
        item.snapshot(snapshot != null ? snapshot : host.currentSnapshot(template));
        TemplateInfo t = snapshot == null ? catalog.template(template) : null;
        if (t != null && item.snapshot() != null && item.snapshot().equals(t.currentSnapshot())) {
            item.snapshotCreatedAt(t.currentSnapshotAt());
        }
        return item.hostName(host.name()).connectHost(host.connectHost()).createdAt(now).stateSince(now).expiresAt(now.plus(ttl))
                .lastActivityAt(now).front(front.name()).warnedFor(null);
    }

    /** The answer when the name exists: the owner gets it back (or retakes a FAILED one: null), others 409. */
    private CommandResult existingAnswer(Principal p, Clone existing, String template) {
        if (!existing.owner().equals(Authorizer.key(p))) {
            throw new DollyException(ErrorKind.CONFLICT, "The name '" + existing.id() + "' is taken by someone else's clone. Choose another name.");
        }
        if (!existing.template().equals(template)) {
            throw new DollyException(ErrorKind.CONFLICT, "You already have a clone '" + existing.id() + "' of template '"
                    + existing.template() + "'. Choose another name, or destroy it first.");
        }
        if (existing.state() == CloneState.FAILED) {
            return null;
        }
        return new CommandResult.CloneResult(Views.info(existing), null, "Clone " + existing.id()
                + " already exists (" + existing.state().name().toLowerCase(Locale.ROOT)
                + "). Its password was shown when it was created; use `password` to rotate it.");
    }

    private String derivedName(String template, Principal p) {
        String who = p.id().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        String base = (template + "-" + who);
        if (base.length() > 50) base = base.substring(0, 50);
        base = base.replaceAll("-+$", "");
        String name = base;
        for (int n = 2; n < 100; n++) {
            if (clones.find(name) == null) return name;
            name = base + "-" + n;
        }
        return name;
    }

    // ------------------------------------------------------------------ reset, rollback, savepoint

    CommandResult rollback(Principal p, Front front, Command.Rollback r) {
        if (r.savepoint() == null || r.savepoint().isBlank()) {
            throw new DollyException(ErrorKind.BAD_REQUEST, "rollback needs a savepoint name: rollback <clone> <savepoint>.");
        }
        return reset(p, front, r, r.cloneId(), r.savepoint());
    }

    CommandResult reset(Principal p, Front front, Command command, String cloneId, String savepoint) {
        Clone c = lookup.existing(cloneId);
        auth.check(p, command, c.template(), c.owner());
        if (savepoint != null) CloneLookup.validName("savepoint", savepoint);
        CloneStates.require(c, CloneState.READY, command.verb());
        Clone resetting = states.resetting(c);
        String what = savepoint == null ? "reset clone '" + c.id() + "'" : "roll clone '" + c.id() + "' back to " + savepoint;
        try {
            CloneView v = lookup.agent(resetting).reset(c.id(), savepoint);
            Clone ready = states.reset(resetting, v);
            audit.audit("clone:" + c.id(), Authorizer.actor(p), front.name(), command.verb(), "done", savepoint);
            Map<String, Object> reset = about(ready);
            if (savepoint != null) reset.put("savepoint", savepoint);
            reset.put("front", front.name());
            events.publish(EventType.CLONE_RESET, reset);
            return new CommandResult.CloneResult(Views.info(ready), null, savepoint == null
                    ? "Clone " + c.id() + " is back to its creation state." : "Clone " + c.id() + " is back at savepoint " + savepoint + ".");
        } catch (AgentException e) {
            states.resetFailed(c.id());
            audit.audit("clone:" + c.id(), Authorizer.actor(p), front.name(), command.verb(), "failed", e.getMessage());
            throw Errors.from(e, what);
        }
    }

    CommandResult savepoint(Principal p, Front front, Command.Savepoint s) {
        Clone c = lookup.existing(s.cloneId());
        auth.check(p, s, c.template(), c.owner());
        CloneLookup.validName("savepoint", s.name());
        CloneStates.require(c, CloneState.READY, "savepoint");
        try {
            SavepointView v = lookup.agent(c).savepoint(c.id(), s.name());
            audit.audit("clone:" + c.id(), Authorizer.actor(p), front.name(), "savepoint", "done", s.name());
            return new CommandResult.SavepointResult(new CommandResult.SavepointInfo(c.id(), v.name(), v.createdAt()),
                    "Savepoint " + v.name() + " of clone " + c.id() + " taken; `rollback " + c.id() + " " + v.name() + "` returns to it.");
        } catch (AgentException e) {
            throw Errors.from(e, "take savepoint '" + s.name() + "' of clone '" + c.id() + "'");
        }
    }

    // ------------------------------------------------------------------ destroy

    CommandResult destroy(Principal p, Front front, Command.Destroy d) {
        Clone c = lookup.existing(d.cloneId());
        auth.check(p, d, c.template(), c.owner());
        destroyClone(c, Authorizer.actor(p), front);
        return new CommandResult.Done("Clone " + c.id() + " destroyed.");
    }

    /** DESTROYING → agent destroy → item deleted and quota given back. Used by destroy and the reaper. */
    void destroyClone(Clone c, String byKey, Front front) {
        Clone destroying = states.destroying(c);
        try {
            if (destroying.hostName() != null && agents.knows(destroying.hostName())) {
                agents.get(destroying.hostName()).destroy(c.id());
            }
        } catch (AgentException e) {
            audit.audit("clone:" + c.id(), byKey, front.name(), "destroy", "failed", e.getMessage());
            throw Errors.from(e, "destroy clone '" + c.id() + "' (it stays DESTROYING and is retried)");
        }
        DollyStore.Audit done = new DollyStore.Audit("clone:" + c.id(), byKey, front.name(), "destroy", "done", null);
        try {
            clones.removeReleasing(destroying, done);
        } catch (ConflictException e) {
            clones.removeReleasing(clones.find(c.id()), done);
        }
        Map<String, Object> destroyed = about(c);
        destroyed.put("by", byKey);
        destroyed.put("front", front.name());
        events.publish(EventType.CLONE_DESTROYED, destroyed);
    }
}
