package dev.dolly.functions.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CloneView;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.SavepointView;
import dev.dolly.agent.api.SnapshotView;
import dev.dolly.agent.api.TemplateView;
import dev.dolly.agent.api.UpdateCloneRequest;
import dev.dolly.control.api.CloneInfo;
import dev.dolly.control.api.CloneState;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandPort;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.agent.AgentClient;
import dev.dolly.functions.agent.AgentClients;
import dev.dolly.functions.agent.AgentException;
import dev.dolly.functions.auth.Authorizer;
import dev.dolly.functions.auth.Role;
import dev.dolly.functions.config.DollyConfig;
import dev.dolly.functions.config.Durations;
import dev.dolly.functions.store.CloneItem;
import dev.dolly.functions.store.ConflictException;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.HostItem;
import dev.dolly.functions.store.IdempotencyItem;
import dev.dolly.functions.store.TemplateItem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one service that executes every command, whichever front it came from: authorize (in
 * {@link Authorizer}, before anything is forwarded), validate, record the state change in DynamoDB
 * with a conditional write, forward to the clone's host agent, record the outcome, audit.
 *
 * <p>Clone states: CREATING → READY ⇄ RESETTING → DESTROYING → gone (item deleted, quota given
 * back), or FAILED when a host did not answer and the outcome is unknown (the owner may retry the
 * same create, or destroy it; the reaper expires it like any other).
 */
public class CommandService implements CommandPort {
    private static final Logger log = LoggerFactory.getLogger(CommandService.class);
    /** Clone, snapshot and savepoint names: what the agent accepts, and safe in URLs and ZFS. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    private static final Duration IDEMPOTENCY_TTL = Duration.ofHours(24);

    private final DollyConfig config;
    private final Authorizer auth;
    private final DollyStore store;
    private final AgentClients agents;
    private final Placement placement;
    private final HostMonitor monitor;
    private final RefreshTracker refreshes;
    private final Clock clock;
    private final ObjectMapper json = dev.dolly.agent.api.AgentJson.mapper();

    public CommandService(DollyConfig config, Authorizer auth, DollyStore store, AgentClients agents, Placement placement,
                          HostMonitor monitor, RefreshTracker refreshes, Clock clock) {
        this.config = config;
        this.auth = auth;
        this.store = store;
        this.agents = agents;
        this.placement = placement;
        this.monitor = monitor;
        this.refreshes = refreshes;
        this.clock = clock;
    }

    public Authorizer authorizer() { return auth; }

    @Override
    public CommandResult execute(Principal principal, Front front, Command command, String idempotencyKey) {
        if (principal == null || command == null) {
            throw new DollyException(ErrorKind.BAD_REQUEST, "A command needs a principal and a verb.");
        }
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            return run(principal, front, command);
        }
        String scope = "cmd:" + Authorizer.key(principal);
        String hash = Integer.toHexString(command.toString().hashCode());
        IdempotencyItem existing = store.claim(scope, idempotencyKey, hash, clock.instant().plus(IDEMPOTENCY_TTL));
        for (int i = 0; existing != null && IdempotencyItem.IN_PROGRESS.equals(existing.getState()) && i < 300; i++) {
            sleep(100);
            existing = store.idempotency(scope, idempotencyKey);
            if (existing == null) return execute(principal, front, command, idempotencyKey);
        }
        if (existing != null) {
            if (!hash.equals(existing.getRequestHash())) {
                throw new DollyException(ErrorKind.BAD_REQUEST, "This idempotency key was already used for a different command.");
            }
            if (IdempotencyItem.IN_PROGRESS.equals(existing.getState())) {
                throw new DollyException(ErrorKind.CONFLICT, "The same command is still running; try again shortly.");
            }
            return replay(existing);
        }
        try {
            CommandResult r = run(principal, front, command);
            store.complete(scope, idempotencyKey, 200, storedForm(r), false);
            return r;
        } catch (DollyException e) {
            if (e.kind() == ErrorKind.UNAVAILABLE || e.kind() == ErrorKind.INTERNAL) {
                store.release(scope, idempotencyKey);
            } else {
                store.complete(scope, idempotencyKey, e.kind().httpStatus(), e.kind().name() + ":" + e.getMessage(), false);
            }
            throw e;
        } catch (RuntimeException e) {
            store.release(scope, idempotencyKey);
            throw e;
        }
    }

    /** The stored first answer: results without passwords (nothing stores a password in clear). */
    private String storedForm(CommandResult r) {
        try {
            if (r instanceof CommandResult.CloneResult cr && cr.password() != null) {
                r = new CommandResult.CloneResult(cr.info(), null, cr.message());
            }
            return r.getClass().getName() + "\n" + json.writeValueAsString(r);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private CommandResult replay(IdempotencyItem item) {
        String a = item.getAnswer();
        if (item.getStatus() != 200) {
            int colon = a.indexOf(':');
            throw new DollyException(ErrorKind.valueOf(a.substring(0, colon)), a.substring(colon + 1));
        }
        try {
            int nl = a.indexOf('\n');
            Class<?> type = Class.forName(a.substring(0, nl));
            CommandResult r = (CommandResult) json.readValue(a.substring(nl + 1), type);
            if (r instanceof CommandResult.CloneResult cr) {
                return new CommandResult.CloneResult(cr.info(), null,
                        "Already done (same idempotency key). The password is shown only once; use `password` to rotate it.");
            }
            return r;
        } catch (Exception e) {
            throw new IllegalStateException("unreadable idempotency record", e);
        }
    }

    private CommandResult run(Principal p, Front front, Command command) {
        if (command instanceof Command.Create c) return create(p, front, c);
        if (command instanceof Command.ListClones l) return list(p, l);
        if (command instanceof Command.Show s) return show(p, s);
        if (command instanceof Command.Reset r) return reset(p, front, command, r.cloneId(), r.savepoint());
        if (command instanceof Command.Rollback r) {
            if (r.savepoint() == null || r.savepoint().isBlank()) {
                throw new DollyException(ErrorKind.BAD_REQUEST, "rollback needs a savepoint name: rollback <clone> <savepoint>.");
            }
            return reset(p, front, command, r.cloneId(), r.savepoint());
        }
        if (command instanceof Command.Savepoint s) return savepoint(p, front, s);
        if (command instanceof Command.Destroy d) return destroy(p, front, d);
        if (command instanceof Command.Protect pr) return protect(p, front, pr);
        if (command instanceof Command.Extend e) return extend(p, front, e);
        if (command instanceof Command.Password pw) return password(p, front, pw);
        if (command instanceof Command.Snapshots s) return snapshots(p, s);
        if (command instanceof Command.Refresh r) return refresh(p, front, r);
        if (command instanceof Command.Templates) return templates(p);
        if (command instanceof Command.Status) return status(p);
        throw new DollyException(ErrorKind.BAD_REQUEST, "Unknown command " + command.verb());
    }

    // ------------------------------------------------------------------ create

    private CommandResult create(Principal p, Front front, Command.Create c) {
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
        validName("clone", id);
        if (c.snapshot() != null) validName("snapshot", c.snapshot());
        Duration ttl = c.ttl() == null ? tc.cloneDefaults().ttlOrDefault() : c.ttl();
        if (ttl.isNegative() || ttl.isZero()) {
            throw new DollyException(ErrorKind.BAD_REQUEST, "ttl: must be positive, e.g. 2h.");
        }
        Duration maxTtl = auth.maxTtl(p, template);
        if (ttl.compareTo(maxTtl) > 0) {
            throw new DollyException(ErrorKind.QUOTA_EXCEEDED, "ttl: " + Durations.format(ttl) + " is over your quota: clones of '"
                    + template + "' may live at most " + Durations.format(maxTtl) + ". Ask for less (and `extend` later).");
        }

        CloneItem existing = store.clone(id);
        if (existing != null) {
            CommandResult r = existingAnswer(p, existing, template);
            if (r != null) return r;
        }
        dev.dolly.functions.store.QuotaItem quotaSeen = existing == null ? store.quota(ownerKey) : null;
        if (quotaSeen != null && quotaSeen.getClones() >= auth.maxClones(p)) {
            throw overQuota(p, ownerKey);
        }
        HostItem host = placement.choose(template, c.snapshot());
        Instant now = clock.instant();
        CloneItem item;
        if (existing != null) {
            item = existing; // own FAILED clone: take it over (its quota is already charged)
            item.setState(CloneState.CREATING);
            item.setFailure(null);
            item.setGhost(false);
            String oldHost = item.getHostName();
            fill(item, template, c.snapshot(), host, now, ttl, front);
            try {
                item = store.update(item);
            } catch (ConflictException e) {
                throw new DollyException(ErrorKind.CONFLICT, "Clone '" + id + "' is being changed by another request; try again.");
            }
            if (oldHost != null && !oldHost.equals(host.getName()) && agents.knows(oldHost)) {
                try { agents.get(oldHost).destroy(id); } catch (AgentException ignored) { /* the reaper reports leftovers */ }
            }
        } else {
            item = CloneItem.create(id, ownerKey);
            item.setState(CloneState.CREATING);
            fill(item, template, c.snapshot(), host, now, ttl, front);
            DollyStore.CreateOutcome outcome = store.createCharging(item, auth.maxClones(p), quotaSeen);
            if (outcome == DollyStore.CreateOutcome.QUOTA_EXCEEDED) {
                throw overQuota(p, ownerKey);
            }
            if (outcome == DollyStore.CreateOutcome.EXISTS) {
                CloneItem now2 = store.clone(id);
                if (now2 != null) {
                    CommandResult r = existingAnswer(p, now2, template);
                    if (r != null) return r;
                }
                throw new DollyException(ErrorKind.CONFLICT, "Clone '" + id + "' is being created by another request; try again.");
            }
        }

        AgentClient agent = agents.get(host.getName());
        CloneCredentials creds;
        try {
            creds = agent.create(new CreateCloneRequest(id, template, c.snapshot(), ownerKey, item.getExpiresAt(), false));
        } catch (AgentException e) {
            boolean nothingHappened = e instanceof AgentException.Refused
                    || (e instanceof AgentException.Unavailable u && u.rejectedFast());
            if (nothingHappened) {
                try {
                    store.removeReleasing(store.clone(id), null);
                } catch (RuntimeException ex) {
                    log.warn("could not remove clone record {} after a refused create: {}", id, ex.toString());
                }
                store.audit("clone:" + id, ownerKey, front.name(), "create", "refused", e.getMessage());
                throw Errors.from(e, "create clone '" + id + "'");
            }
            markFailed(id, "host " + host.getName() + " did not confirm the create: " + e.getMessage());
            store.audit("clone:" + id, ownerKey, front.name(), "create", "failed", e.getMessage());
            throw new DollyException(ErrorKind.UNAVAILABLE, "Could not create clone '" + id + "': " + e.getMessage()
                    + ". It is marked FAILED: retry the same create, or destroy it.", e);
        }
        CloneView v = creds.cloneView();
        CloneItem ready = transition(item, id, CloneState.CREATING, it -> {
            it.setState(CloneState.READY);
            it.setStateSince(clock.instant());
            applyView(it, v);
        });
        store.audit("clone:" + id, ownerKey, front.name(), "create", "ready", "template " + template + " on " + host.getName() + ", port " + v.port());
        return new CommandResult.CloneResult(Views.info(ready), creds.password(), "Clone " + id + " is ready.");
    }

    private DollyException overQuota(Principal p, String ownerKey) {
        int held = store.quota(ownerKey).getClones();
        return new DollyException(ErrorKind.QUOTA_EXCEEDED, "Over quota: " + Authorizer.describe(p) + " holds " + held
                + " clone(s) and may hold at most " + auth.maxClones(p) + ". Destroy one first (`list` shows them).");
    }

    private void fill(CloneItem item, String template, String snapshot, HostItem host, Instant now, Duration ttl, Front front) {
        item.setTemplate(template);
        item.setSnapshot(snapshot != null ? snapshot : host.currentSnapshot(template));
        TemplateItem t = snapshot == null ? store.template(template) : null;
        if (t != null && item.getSnapshot() != null && item.getSnapshot().equals(t.getCurrentSnapshot())) {
            item.setSnapshotCreatedAt(t.getCurrentSnapshotAt());
        }
        item.setHostName(host.getName());
        item.setConnectHost(host.getConnectHost());
        item.setCreatedAt(now);
        item.setStateSince(now);
        item.setExpiresAt(now.plus(ttl));
        item.setLastActivityAt(now);
        item.setFront(front.name());
        item.setWarnedFor(null);
    }

    private static void applyView(CloneItem it, CloneView v) {
        it.setPort(v.port());
        it.setDatabase(v.database());
        it.setUser(v.user());
        if (v.host() != null) it.setConnectHost(v.host());
        if (v.snapshot() != null) it.setSnapshot(v.snapshot());
        if (v.postgres() != null) it.setPostgres(v.postgres());
    }

    /** The answer when the name exists: the owner gets it back (or retakes a FAILED one: null), others 409. */
    private CommandResult existingAnswer(Principal p, CloneItem existing, String template) {
        if (!existing.getOwner().equals(Authorizer.key(p))) {
            throw new DollyException(ErrorKind.CONFLICT, "The name '" + existing.getId() + "' is taken by someone else's clone. Choose another name.");
        }
        if (!existing.getTemplate().equals(template)) {
            throw new DollyException(ErrorKind.CONFLICT, "You already have a clone '" + existing.getId() + "' of template '"
                    + existing.getTemplate() + "'. Choose another name, or destroy it first.");
        }
        if (existing.getState() == CloneState.FAILED) {
            return null;
        }
        return new CommandResult.CloneResult(Views.info(existing), null, "Clone " + existing.getId()
                + " already exists (" + existing.getState().name().toLowerCase(Locale.ROOT)
                + "). Its password was shown when it was created; use `password` to rotate it.");
    }

    private String derivedName(String template, Principal p) {
        String who = p.id().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        String base = (template + "-" + who);
        if (base.length() > 50) base = base.substring(0, 50);
        base = base.replaceAll("-+$", "");
        String name = base;
        for (int n = 2; n < 100; n++) {
            CloneItem c = store.clone(name);
            if (c == null) return name;
            name = base + "-" + n;
        }
        return name;
    }

    private static void validName(String field, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new DollyException(ErrorKind.BAD_REQUEST, field + ": '" + value + "' is not a valid name "
                    + "(lowercase letters, digits, '-' and '_', starting with a letter, at most 63 characters).");
        }
    }

    // ------------------------------------------------------------------ read

    private CommandResult list(Principal p, Command.ListClones l) {
        auth.check(p, l, null, null);
        List<CloneItem> items = l.all()
                ? store.allClones().stream().filter(c -> auth.has(p, c.getTemplate(), Role.VIEWER)).toList()
                : store.clonesOwnedBy(Authorizer.key(p));
        List<CloneInfo> out = items.stream().filter(c -> c.getState() != CloneState.GONE)
                .sorted(Comparator.comparing(CloneItem::getCreatedAt, Comparator.nullsLast(Comparator.naturalOrder())))
                .map(Views::info).toList();
        return new CommandResult.CloneList(out);
    }

    private CloneItem existing(String id) {
        if (id == null || id.isBlank()) {
            throw new DollyException(ErrorKind.BAD_REQUEST, "clone: which clone is missing.");
        }
        CloneItem c = NAME.matcher(id).matches() ? store.clone(id) : null;
        if (c == null) {
            throw new DollyException(ErrorKind.NOT_FOUND, "clone: there is no clone '" + id + "'. `list` shows yours.");
        }
        return c;
    }

    private CommandResult show(Principal p, Command.Show s) {
        CloneItem c = existing(s.cloneId());
        auth.check(p, s, c.getTemplate(), c.getOwner());
        return new CommandResult.CloneResult(Views.info(c), null, c.getFailure());
    }

    // ------------------------------------------------------------------ change

    private CommandResult reset(Principal p, Front front, Command command, String cloneId, String savepoint) {
        CloneItem c = existing(cloneId);
        auth.check(p, command, c.getTemplate(), c.getOwner());
        if (savepoint != null) validName("savepoint", savepoint);
        requireState(c, CloneState.READY, command.verb());
        CloneItem resetting = transition(c, c.getId(), CloneState.READY, it -> {
            it.setState(CloneState.RESETTING);
            it.setStateSince(clock.instant());
        });
        String what = savepoint == null ? "reset clone '" + c.getId() + "'" : "roll clone '" + c.getId() + "' back to " + savepoint;
        try {
            CloneView v = agent(resetting).reset(c.getId(), savepoint);
            CloneItem ready = transition(resetting, c.getId(), CloneState.RESETTING, it -> {
                it.setState(CloneState.READY);
                it.setStateSince(clock.instant());
                it.setLastActivityAt(clock.instant());
                applyView(it, v);
            });
            store.audit("clone:" + c.getId(), Authorizer.key(p), front.name(), command.verb(), "done", savepoint);
            return new CommandResult.CloneResult(Views.info(ready), null, savepoint == null
                    ? "Clone " + c.getId() + " is back to its creation state." : "Clone " + c.getId() + " is back at savepoint " + savepoint + ".");
        } catch (AgentException e) {
            transition(c.getId(), CloneState.RESETTING, it -> {
                it.setState(CloneState.READY);
                it.setStateSince(clock.instant());
            });
            store.audit("clone:" + c.getId(), Authorizer.key(p), front.name(), command.verb(), "failed", e.getMessage());
            throw Errors.from(e, what);
        }
    }

    private CommandResult savepoint(Principal p, Front front, Command.Savepoint s) {
        CloneItem c = existing(s.cloneId());
        auth.check(p, s, c.getTemplate(), c.getOwner());
        validName("savepoint", s.name());
        requireState(c, CloneState.READY, "savepoint");
        try {
            SavepointView v = agent(c).savepoint(c.getId(), s.name());
            store.audit("clone:" + c.getId(), Authorizer.key(p), front.name(), "savepoint", "done", s.name());
            return new CommandResult.SavepointResult(new CommandResult.SavepointInfo(c.getId(), v.name(), v.createdAt()),
                    "Savepoint " + v.name() + " of clone " + c.getId() + " taken; `rollback " + c.getId() + " " + v.name() + "` returns to it.");
        } catch (AgentException e) {
            throw Errors.from(e, "take savepoint '" + s.name() + "' of clone '" + c.getId() + "'");
        }
    }

    private CommandResult destroy(Principal p, Front front, Command.Destroy d) {
        CloneItem c = existing(d.cloneId());
        auth.check(p, d, c.getTemplate(), c.getOwner());
        destroyClone(c, Authorizer.key(p), front);
        return new CommandResult.Done("Clone " + c.getId() + " destroyed.");
    }

    /** DESTROYING → agent destroy → item deleted and quota given back. Used by destroy and the reaper. */
    void destroyClone(CloneItem c, String byKey, Front front) {
        CloneItem destroying = c;
        if (c.getState() != CloneState.DESTROYING) {
            destroying = transition(c, c.getId(), c.getState(), it -> {
                it.setState(CloneState.DESTROYING);
                it.setStateSince(clock.instant());
            });
        }
        try {
            if (destroying.getHostName() != null && agents.knows(destroying.getHostName())) {
                agents.get(destroying.getHostName()).destroy(c.getId());
            }
        } catch (AgentException e) {
            store.audit("clone:" + c.getId(), byKey, front.name(), "destroy", "failed", e.getMessage());
            throw Errors.from(e, "destroy clone '" + c.getId() + "' (it stays DESTROYING and is retried)");
        }
        DollyStore.Audit done = new DollyStore.Audit("clone:" + c.getId(), byKey, front.name(), "destroy", "done", null);
        try {
            store.removeReleasing(destroying, done);
        } catch (ConflictException e) {
            store.removeReleasing(store.clone(c.getId()), done);
        }
    }

    private CommandResult protect(Principal p, Front front, Command.Protect pr) {
        CloneItem c = existing(pr.cloneId());
        auth.check(p, pr, c.getTemplate(), c.getOwner());
        if (c.getHostName() != null && (c.getState() == CloneState.READY || c.getState() == CloneState.RESETTING)) {
            try {
                agent(c).update(c.getId(), new UpdateCloneRequest(pr.on(), null, null));
            } catch (AgentException e) {
                throw Errors.from(e, (pr.on() ? "protect" : "unprotect") + " clone '" + c.getId() + "'");
            }
        }
        CloneItem after = change(c.getId(), it -> it.setProtectedClone(pr.on()));
        store.audit("clone:" + c.getId(), Authorizer.key(p), front.name(), "protect", pr.on() ? "on" : "off", null);
        return new CommandResult.CloneResult(Views.info(after), null, pr.on()
                ? "Clone " + c.getId() + " is protected: it will not expire." : "Clone " + c.getId() + " is no longer protected.");
    }

    private CommandResult extend(Principal p, Front front, Command.Extend e) {
        CloneItem c = existing(e.cloneId());
        auth.check(p, e, c.getTemplate(), c.getOwner());
        if (e.by() == null || e.by().isNegative() || e.by().isZero()) {
            throw new DollyException(ErrorKind.BAD_REQUEST, "by: how long to extend is missing, e.g. extend " + c.getId() + " 4h.");
        }
        Instant now = clock.instant();
        Instant from = c.getExpiresAt() == null || c.getExpiresAt().isBefore(now) ? now : c.getExpiresAt();
        Instant until = from.plus(e.by());
        Duration max = auth.maxTtl(p, c.getTemplate());
        if (Duration.between(now, until).compareTo(max) > 0) {
            throw new DollyException(ErrorKind.QUOTA_EXCEEDED, "ttl: clones of '" + c.getTemplate() + "' may live at most "
                    + Durations.format(max) + " from now; extend by at most "
                    + Durations.format(Duration.between(from, now.plus(max)).isNegative() ? Duration.ZERO : Duration.between(from, now.plus(max)).withNanos(0)) + ".");
        }
        if (c.getHostName() != null && (c.getState() == CloneState.READY || c.getState() == CloneState.RESETTING)) {
            try {
                agent(c).update(c.getId(), new UpdateCloneRequest(null, until, null));
            } catch (AgentException ex) {
                throw Errors.from(ex, "extend clone '" + c.getId() + "'");
            }
        }
        CloneItem after = change(c.getId(), it -> {
            it.setExpiresAt(until);
            it.setWarnedFor(null);
        });
        store.audit("clone:" + c.getId(), Authorizer.key(p), front.name(), "extend", "done", until.toString());
        return new CommandResult.CloneResult(Views.info(after), null, "Clone " + c.getId() + " now expires at " + until + ".");
    }

    private CommandResult password(Principal p, Front front, Command.Password pw) {
        CloneItem c = existing(pw.cloneId());
        auth.check(p, pw, c.getTemplate(), c.getOwner());
        requireState(c, CloneState.READY, "password");
        try {
            CloneCredentials creds = agent(c).rotatePassword(c.getId());
            store.audit("clone:" + c.getId(), Authorizer.key(p), front.name(), "password", "rotated", null);
            return new CommandResult.CloneResult(Views.info(c), creds.password(),
                    "New password for clone " + c.getId() + " (the old one no longer works).");
        } catch (AgentException e) {
            throw Errors.from(e, "rotate the password of clone '" + c.getId() + "'");
        }
    }

    // ------------------------------------------------------------------ templates and hosts

    private CommandResult snapshots(Principal p, Command.Snapshots s) {
        String template = s.template();
        if (template == null || config.template(template) == null) {
            auth.check(p, new Command.Templates(), null, null);
            throw new DollyException(ErrorKind.NOT_FOUND, "template: there is no template '" + template + "'. Templates: "
                    + String.join(", ", config.templates().keySet()) + ".");
        }
        auth.check(p, s, template, null);
        Map<String, CommandResult.SnapshotInfo> byId = new LinkedHashMap<>();
        // what hosts last reported (heartbeats), then fresher answers from the hosts that answer now
        for (dev.dolly.functions.store.SnapshotItem si : store.snapshotsOf(template)) {
            byId.put(si.getId(), new CommandResult.SnapshotInfo(template, si.getId(), si.getCreatedAt(), si.getSizeBytes(), si.isCurrent(), si.getClones()));
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

    private CommandResult templates(Principal p) {
        auth.check(p, new Command.Templates(), null, null);
        Map<String, TemplateItem> state = new LinkedHashMap<>();
        for (TemplateItem t : store.allTemplates()) state.put(t.getName(), t);
        List<CommandResult.TemplateInfo> out = new ArrayList<>();
        config.templates().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (!auth.has(p, e.getKey(), Role.VIEWER)) return;
            TemplateItem t = state.get(e.getKey());
            out.add(new CommandResult.TemplateInfo(e.getKey(), e.getValue().description(),
                    t == null ? null : t.getCurrentSnapshot(), t == null ? null : t.getCurrentSnapshotAt(),
                    e.getValue().refresh() == null ? null : e.getValue().refresh().schedule(),
                    t == null ? null : t.getPostgres(), t == null ? null : t.getUpgrade()));
        });
        return new CommandResult.TemplateList(out);
    }

    private CommandResult refresh(Principal p, Front front, Command.Refresh r) {
        String template = r.template();
        if (template == null || config.template(template) == null) {
            auth.check(p, new Command.Templates(), null, null);
            throw new DollyException(ErrorKind.NOT_FOUND, "template: there is no template '" + template + "'.");
        }
        auth.check(p, r, template, null);
        return refreshes.start(template, Authorizer.key(p), front);
    }

    private CommandResult status(Principal p) {
        auth.check(p, new Command.Status(), null, null);
        List<CommandResult.HostInfo> hosts = new ArrayList<>();
        for (HostItem h : store.allHosts()) {
            if (!agents.knows(h.getName())) continue;
            hosts.add(new CommandResult.HostInfo(h.getName(), monitor.healthy(h), h.getFreeBytes(), h.getClones(), h.getLastHeartbeat()));
        }
        int clones = (int) store.allClones().stream().filter(c -> c.getState() != CloneState.GONE).count();
        List<CommandResult.RefreshInfo> running = new ArrayList<>();
        for (TemplateItem t : store.allTemplates()) {
            if (t.refreshRunning()) running.add(RefreshTracker.info(t));
        }
        return new CommandResult.StatusInfo(hosts, clones, running);
    }

    // ------------------------------------------------------------------ helpers

    private AgentClient agent(CloneItem c) {
        if (c.getHostName() == null || !agents.knows(c.getHostName())) {
            throw new DollyException(ErrorKind.UNAVAILABLE, "Clone " + c.getId() + " lives on host " + c.getHostName()
                    + ", which is not configured any more. An admin has to look at it.");
        }
        return agents.get(c.getHostName());
    }

    private static void requireState(CloneItem c, CloneState state, String verb) {
        if (c.getState() != state) {
            throw new DollyException(ErrorKind.CONFLICT, "Clone " + c.getId() + " is " + c.getState().name().toLowerCase(Locale.ROOT)
                    + (c.getFailure() == null ? "" : " (" + c.getFailure() + ")") + "; " + verb + " needs it ready"
                    + (c.getState() == CloneState.FAILED ? ". Destroy it, or create it again." : ". Try again in a moment."));
        }
    }

    /** Moves a clone out of {@code from} with a version-checked write; a concurrent change wins and this call gets 409. */
    private CloneItem transition(String id, CloneState from, java.util.function.Consumer<CloneItem> change) {
        return transition(null, id, from, change);
    }

    /** As above, starting from {@code known} (a fresh read of the clone) when given, to save a read. */
    private CloneItem transition(CloneItem known, String id, CloneState from, java.util.function.Consumer<CloneItem> change) {
        for (int attempt = 0; attempt < 5; attempt++) {
            CloneItem c = attempt == 0 && known != null ? known : store.clone(id);
            if (c == null) {
                throw new DollyException(ErrorKind.NOT_FOUND, "Clone " + id + " was destroyed meanwhile.");
            }
            if (c.getState() != from) {
                throw new DollyException(ErrorKind.CONFLICT, "Clone " + id + " is " + c.getState().name().toLowerCase(Locale.ROOT)
                        + " now (another request changed it); try again.");
            }
            change.accept(c);
            try {
                return store.update(c);
            } catch (ConflictException e) {
                // changed but maybe still in `from` (e.g. last activity): read again
            }
        }
        throw new DollyException(ErrorKind.CONFLICT, "Clone " + id + " is being changed by other requests; try again.");
    }

    /** A change that holds in any state, retried on version conflicts. */
    CloneItem change(String id, java.util.function.Consumer<CloneItem> change) {
        for (int attempt = 0; attempt < 10; attempt++) {
            CloneItem c = store.clone(id);
            if (c == null) throw new DollyException(ErrorKind.NOT_FOUND, "Clone " + id + " was destroyed meanwhile.");
            change.accept(c);
            try {
                return store.update(c);
            } catch (ConflictException e) {
                sleep(5L * (attempt + 1));
            }
        }
        throw new DollyException(ErrorKind.CONFLICT, "Clone " + id + " is being changed by other requests; try again.");
    }

    void markFailed(String id, String why) {
        try {
            change(id, it -> {
                it.setState(CloneState.FAILED);
                it.setStateSince(clock.instant());
                it.setFailure(why);
            });
        } catch (RuntimeException e) {
            log.warn("could not mark clone {} FAILED: {}", id, e.toString());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DollyException(ErrorKind.UNAVAILABLE, "interrupted");
        }
    }
}
