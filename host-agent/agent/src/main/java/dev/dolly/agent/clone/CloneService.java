package dev.dolly.agent.clone;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.Faults;
import dev.dolly.agent.Layout;
import dev.dolly.agent.Names;
import dev.dolly.agent.Phases;
import dev.dolly.agent.PoolReserve;
import dev.dolly.agent.Props;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CloneView;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.api.ResetRequest;
import dev.dolly.agent.api.SavepointRequest;
import dev.dolly.agent.api.SavepointView;
import dev.dolly.agent.api.UpdateCloneRequest;
import dev.dolly.agent.clone.spares.SpareMaker;
import dev.dolly.agent.clone.spares.SparePool;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.config.CloneLimits;
import dev.dolly.agent.config.TemplateConfig;
import dev.dolly.agent.docker.CloneContainers;
import dev.dolly.agent.docker.ContainerInfo;
import dev.dolly.agent.docker.ContainerSpec;
import dev.dolly.agent.docker.Containers;
import dev.dolly.agent.docker.PostgresContainers;
import dev.dolly.agent.metrics.Metrics;
import dev.dolly.agent.pg.ClusterAdmin;
import dev.dolly.agent.pg.ClusterKeys;
import dev.dolly.agent.pg.Passwords;
import dev.dolly.agent.pg.PgConnect;
import dev.dolly.agent.ports.PortPool;
import dev.dolly.agent.template.TemplateCatalog;
import dev.dolly.agent.zfs.Zfs;
import dev.dolly.agent.zfs.ZfsEntry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clone lifecycle on ZFS + docker: create (idempotent by id), reset, savepoints, password
 * rotation, metadata, destroy. Operations on one clone are serialized ({@link CloneLocks});
 * every operation completes or removes what it created (container, dataset, port).
 *
 * <p>A clone is {@code zfs clone <root>/templates/<t>/<build>@ready <root>/clones/<id>} with
 * its metadata in ZFS user properties (set atomically by {@code zfs clone -o}), a snapshot
 * {@code @created} taken before its server first starts (so a reset needs no crash recovery),
 * and one PostgreSQL container labelled {@code dolly.root}/{@code dolly.clone}. Its owner logs in
 * as a superuser role (the clone is their private copy) whose SCRAM verifier — never the
 * password — is kept in {@code dolly:verifier} and re-applied after a reset, so the password
 * survives resets and rollbacks.
 */
public class CloneService implements CloneOperations {
    private static final Logger log = LoggerFactory.getLogger(CloneService.class);
    static final List<String> CLONE_PROPS = List.of("type", "creation", "used", "referenced",
            Props.STATE, Props.PORT, Props.OWNER, Props.USER, Props.TEMPLATE, Props.SNAPSHOT, Props.DATABASE,
            Props.CREATED, Props.EXPIRES, Props.PROTECTED, Props.ACTIVITY, Props.VERIFIER, Props.RESETTING, "guid",
            Props.POSTGRES, Props.CLONE, Props.SERVING);

    private final AgentConfig config;
    private final Layout layout;
    private final Zfs zfs;
    private final PostgresContainers pg;
    private final Containers containers;
    private final CloneContainers cloneContainers;
    private final CloneErrors errors;
    private final PortPool ports;
    private final TemplateCatalog catalog;
    private final Clock clock;
    private final Metrics metrics;
    private final ClusterKeys keys;
    private final PoolReserve reserve;
    private final CloneLocks locks = new CloneLocks();
    private final CloneDatasets datasets;
    private final SparePool spares;
    private final CloneOwnership ownership;
    private final Twins twins;
    private final ExecutorService background = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "clone-background");
        t.setDaemon(true);
        return t;
    });
    private volatile String clonesMountpoint;

    public CloneService(AgentConfig config, Layout layout, Zfs zfs, PostgresContainers pg, PortPool ports,
                        TemplateCatalog catalog, ClusterKeys keys, Clock clock, Metrics metrics) {
        this.config = config;
        this.layout = layout;
        this.zfs = zfs;
        this.pg = pg;
        this.containers = pg.containers();
        this.cloneContainers = new CloneContainers(config, layout, containers);
        this.errors = new CloneErrors(config, layout, zfs);
        this.ports = ports;
        this.catalog = catalog;
        this.clock = clock;
        this.metrics = metrics;
        this.keys = keys;
        this.reserve = new PoolReserve(config, layout, zfs);
        this.datasets = new CloneDatasets(layout, zfs);
        this.ownership = new CloneOwnership(config, keys);
        this.spares = new SparePool(config, layout, zfs, containers, cloneContainers, datasets, ownership,
                new SpareMaker(config, layout, zfs, pg, cloneContainers, ports, catalog, keys, reserve), clock);
        catalog.onPromote(spares::promoted);
        this.twins = new Twins(config, layout, zfs, pg, cloneContainers, keys, ownership,
                new dev.dolly.agent.docker.TwinRules(pg.runner()), this::clonesMountpoint);
    }

    /** The clones' twins (a reset to {@code @created} swaps in the standby copy). */
    public Twins twins() {
        return twins;
    }

    /** Prepares clone {@code id}'s standby copy in the background (after a create, a reset by twin, a start). */
    private void prepareTwinLater(String id, String template) {
        twins.prepareLater(id, template, body -> locks.tryWith(id, body), () -> find(id), spares::coldCreating);
    }

    /** For the reconciler: clone {@code c}'s twin as its properties say, its standby prepared again. Takes the lock. */
    public void reconcileTwin(CloneRecord c, ContainerInfo primary) {
        locks.with(c.id(), () -> {
            twins.reconcile(c, primary, body -> locks.tryWith(c.id(), body), () -> find(c.id()), spares::coldCreating);
            return null;
        });
    }

    /** The warm spares of this host's templates. */
    public SparePool spares() {
        return spares;
    }

    public CloneLocks locks() {
        return locks;
    }

    // ------------------------------------------------------------------ create

    @Override
    public Created create(CreateCloneRequest r) {
        if (r == null) {
            throw new AgentException(ErrorCode.INVALID_REQUEST, "a create needs a JSON body with cloneId, template and owner");
        }
        String id = Names.cloneId(r.cloneId());
        String template = Names.template(r.template());
        String owner = Names.owner(r.owner());
        String snapshot = r.snapshot() == null ? null : Names.buildId(r.snapshot());
        TemplateConfig tc = config.template(template).orElseThrow(() -> errors.unknownTemplate(template));
        return timed("create", () -> locks.with(id, () -> {
            awaitDestroyed(id); // a destroy of this id still finishing in the background: its container's name and dataset
            Optional<CloneRecord> existing = find(id);
            if (existing.isPresent()) {
                CloneRecord c = existing.get();
                if (c.ready()) {
                    if (!template.equals(c.template()) || !owner.equals(c.owner()) || (snapshot != null && !snapshot.equals(c.snapshot()))) {
                        throw new AgentException(ErrorCode.CONFLICT, "clone '" + id + "' already exists for template " + c.template()
                                + " (snapshot " + c.snapshot() + ", owner " + c.owner() + "): choose another clone id");
                    }
                    log.info("create {}: exists already; returning it with a new password", id);
                    return new Created(rotate(c), false);
                }
                log.warn("create {}: removing a half-made clone left by an earlier attempt", id);
                removeEverything(c.id(), c.dataset(), c.port());
            }
            Optional<CloneCredentials> warm = fromSpare(id, tc, owner, snapshot, r.expiresAt(), r.protectedClone());
            if (warm.isPresent()) {
                prepareTwinLater(id, template);
                return new Created(warm.get(), true);
            }
            CloneCredentials made = spares.coldCreate(() -> doCreate(id, tc, owner, snapshot, r.expiresAt(), r.protectedClone()));
            prepareTwinLater(id, template);
            return new Created(made, true);
        }));
    }

    /** The clone made from a warm spare of the template's current snapshot, if one is ready ({@link SparePool#take}). */
    private Optional<CloneCredentials> fromSpare(String id, TemplateConfig tc, String owner, String snapshot, Instant expiresAt, boolean protect) {
        char[] password = Passwords.random();
        try {
            Optional<String> taken = spares.take(id, tc, owner, snapshot, Passwords.scramVerifier(password), expiresAt, protect);
            return taken.map(ds -> new CloneCredentials(view(require(id), "ready"), new String(password)));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private CloneCredentials doCreate(String id, TemplateConfig tc, String owner, String requestedSnapshot, Instant expiresAt, boolean protect) {
        String template = tc.name();
        String user = Names.roleForOwner(owner);
        char[] password = Passwords.random();
        String verifier = Passwords.scramVerifier(password);
        String dataset = layout.clone(id);
        Instant now = clock.instant();
        int port = allocatePort();
        Phases phases = new Phases();
        boolean datasetMade = false;
        java.util.concurrent.atomic.AtomicReference<CompletableFuture<String>> creating = new java.util.concurrent.atomic.AtomicReference<>();
        // the pool's reserve is asked beside the zfs clone (a clone takes no space until written): a refusal removes it
        // before its server ever starts
        CompletableFuture<Void> reserved = CompletableFuture.runAsync(() -> reserve.check("a new clone of template " + template), background);
        try {
            String buildId = catalog.withRead(template, () -> {
                String b = requestedSnapshot != null ? requestedSnapshot : catalog.current(template).orElseThrow(() ->
                        new AgentException(ErrorCode.UNKNOWN_SNAPSHOT, "template '" + template + "' has no ready snapshot yet: "
                                + "start a refresh (POST /v1/templates/" + template + "/refresh) and create the clone when it has finished"));
                TemplateCatalog.Build build = catalog.readyBuild(template, b);
                Map<String, String> props = CloneProperties.ofTemplate(Props.STATE_CREATING, port, tc, b, build.major());
                props.putAll(CloneProperties.forCreate(owner, verifier, now, expiresAt, protect));
                // docker create needs only names: it runs while zfs clones and snapshots
                ContainerSpec spec = cloneContainers.spec(id, template, b, build.major(), owner, port, clonesMountpoint() + "/" + id);
                creating.set(CompletableFuture.supplyAsync(() -> containers.create(spec), background));
                zfs.clone(layout.readySnapshot(template, b), dataset, props);
                return b;
            });
            datasetMade = true;
            phases.mark("zfs clone");
            Faults.step("create.after-zfs-clone");
            zfs.snapshot(layout.createdSnapshot(id));
            phases.mark("snapshot");
            Faults.step("create.after-clone");
            join(reserved);
            String containerId = join(creating.get());
            phases.mark("docker create");
            Faults.step("create.after-docker-create");
            // the server runs the template's untouched data: the build's password is safe to present, once
            PostgresContainers.Started s = pg.startAndAwait("clone " + id, containerId, port, tc.database(),
                    keys.password(layout.build(template, buildId)), config.readyTimeout(), phases);
            Faults.step("create.after-container");
            try (Connection c = s.connection()) {
                ownership.administer(c, dataset, null, user, verifier, template, port, tc.database());
            }
            phases.mark("role");
            Faults.step("create.after-role");
            // the record for the answer is read beside the state's change (the answer says "ready" itself)
            CompletableFuture<Optional<CloneRecord>> read = CompletableFuture.supplyAsync(() -> find(id), background);
            zfs.set(dataset, Props.STATE, Props.STATE_READY);
            phases.mark("zfs set");
            Faults.step("create.after-ready");
            log.info("clone {} of {}/{} ready on port {} for {} in {}", id, template, buildId, port, owner, phases);
            CloneRecord rec = join(read).orElseThrow(() -> new AgentException(ErrorCode.INTERNAL, "clone " + id + " vanished"));
            return new CloneCredentials(view(rec, "ready"), new String(password));
        } catch (RuntimeException | SQLException e) {
            try {
                reserved.join(); // its zfs get ends before the removal below
            } catch (RuntimeException ignored) {
                // the refusal is e, or was not needed any more
            }
            if (creating.get() != null) {
                try {
                    creating.get().join(); // let a create in flight finish, or it would outlive the removal below
                } catch (RuntimeException ignored) {
                    // it failed: nothing to remove
                }
            }
            containers.removeForce(layout.cloneContainer(id));
            // a zfs clone that failed may still have made the dataset (zfs-fuse on a full pool): only "exists" is not ours
            boolean maybeMade = datasetMade || !(e instanceof dev.dolly.agent.zfs.ZfsException z && z.kind() == dev.dolly.agent.zfs.ZfsException.Kind.EXISTS);
            if (maybeMade) {
                try {
                    zfs.destroyRecursive(dataset);
                } catch (RuntimeException e2) {
                    log.error("create {}: cannot remove dataset {} after a failure ({}); the next start reconciles it", id, dataset, e2.getMessage());
                }
            }
            ports.release(port);
            throw errors.translate("create clone " + id, e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    // ------------------------------------------------------------------ read

    @Override
    public List<CloneView> list() {
        List<CloneRecord> records = records();
        Map<String, ContainerInfo> ctrs = cloneContainers.byClone();
        List<CloneView> out = new ArrayList<>();
        for (CloneRecord c : records) {
            out.add(view(c, runtimeState(c, ctrs.get(c.id()))));
        }
        out.sort(Comparator.comparing(CloneView::id));
        return out;
    }

    /** All clone records (for reconciliation and sampling). */
    public List<CloneRecord> records() {
        Map<String, ZfsEntry> entries = zfs.get(layout.clones(), true, CLONE_PROPS);
        Map<String, List<ZfsEntry>> byDataset = new LinkedHashMap<>();
        String prefix = layout.clones() + "/";
        for (ZfsEntry e : entries.values()) {
            if (!e.dataset().startsWith(prefix)) {
                continue;
            }
            int slash = e.dataset().indexOf('/', prefix.length());
            if (slash < 0) {
                byDataset.computeIfAbsent(e.dataset(), k -> new ArrayList<>()).add(e);
            } else if (e.dataset().substring(slash + 1).equals(Layout.TWIN)) { // a clone's twin: its parent's record reads it
                byDataset.computeIfAbsent(e.dataset().substring(0, slash), k -> new ArrayList<>()).add(e);
            }
        }
        List<CloneRecord> out = new ArrayList<>();
        byDataset.forEach((ds, es) -> {
            CloneRecord c = CloneRecord.of(ds, es);
            if (c != null && !c.spare() && !c.destroying()) {
                out.add(c);
            }
        });
        return out;
    }

    /** Datasets of destroyed clones that are still to be destroyed (an agent stopped before its background destroy ended). */
    public List<String> destroying() {
        List<String> out = new ArrayList<>();
        for (ZfsEntry e : zfs.get(layout.clones(), true, List.of(Props.STATE)).values()) {
            if (!e.isSnapshot() && Props.STATE_DESTROYING.equals(e.get(Props.STATE))) {
                out.add(e.dataset());
            }
        }
        return out;
    }

    @Override
    public CloneView get(String cloneId) {
        String id = Names.cloneId(cloneId);
        CloneRecord c = require(id);
        Optional<ContainerInfo> ci = container(id);
        return view(c, runtimeState(c, ci.orElse(null)));
    }

    public Optional<CloneRecord> find(String id) {
        String dataset = datasets.of(id);
        Map<String, ZfsEntry> entries = zfs.get(dataset, true, CLONE_PROPS);
        if (entries.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(CloneRecord.of(dataset, entries.values())).filter(c -> !c.spare() && !c.destroying());
    }

    private CloneRecord require(String id) {
        return find(id).orElseThrow(() -> new AgentException(ErrorCode.UNKNOWN_CLONE,
                "no clone '" + id + "' on this host: list clones with GET /v1/clones"));
    }

    private CloneRecord requireReady(String id) {
        CloneRecord c = require(id);
        if (!c.ready()) {
            throw new AgentException(ErrorCode.CONFLICT, "clone '" + id + "' is still being created: try again in a moment");
        }
        return c;
    }

    // ------------------------------------------------------------------ update

    @Override
    public CloneView update(String cloneId, UpdateCloneRequest r) {
        String id = Names.cloneId(cloneId);
        if (r == null) {
            throw new AgentException(ErrorCode.INVALID_REQUEST, "an update needs a JSON body (protectedClone, expiresAt, owner)");
        }
        String owner = r.owner() == null ? null : Names.owner(r.owner());
        return timed("update", () -> locks.with(id, () -> {
            CloneRecord c = requireReady(id);
            if (r.protectedClone() != null) {
                zfs.set(c.dataset(), Props.PROTECTED, r.protectedClone().toString());
            }
            if (r.expiresAt() != null) {
                zfs.set(c.dataset(), Props.EXPIRES, r.expiresAt().toString());
            }
            if (owner != null) {
                zfs.set(c.dataset(), Props.OWNER, owner);
            }
            return get(id);
        }));
    }

    // ------------------------------------------------------------------ reset

    @Override
    public CloneView reset(String cloneId, ResetRequest r) {
        String id = Names.cloneId(cloneId);
        String savepoint = r == null || r.savepoint() == null ? null : Names.savepoint(r.savepoint());
        return timed(savepoint == null ? "reset" : "rollback", () -> locks.with(id, () -> {
            Phases phases = new Phases();
            // the container's lookup beside the record's (neither needs the other)
            CompletableFuture<Optional<ContainerInfo>> found = CompletableFuture.supplyAsync(() -> container(id), background);
            CloneRecord c = requireReady(id);
            if (savepoint == null && twins.ready(c)) {
                Optional<ContainerInfo> primary = join(found);
                if (primary.isPresent() && runsSupervised(primary.get())) {
                    phases.mark("find");
                    return view(swapTwin(c, primary.get(), phases), "ready");
                }
            }
            String target;
            if (savepoint == null) {
                if (!c.hasCreatedSnapshot()) {
                    throw new AgentException(ErrorCode.INTERNAL, "clone '" + id + "' lost its @created snapshot: destroy and re-create it");
                }
                target = Layout.createdOf(c.serving());
            } else {
                if (!c.hasSavepoint(savepoint)) {
                    throw CloneErrors.unknownSavepoint(id, savepoint);
                }
                target = Layout.savepointOf(c.serving(), savepoint);
            }
            CloneRecord after = resetTo(c, target.substring(target.indexOf('@') + 1), found, phases);
            log.info("clone {} reset to {} in {}", id, savepoint == null ? "its creation" : "savepoint " + savepoint, phases);
            return view(after, "ready");
        }));
    }

    /** A reset to {@code @created} by swapping in the clone's prepared standby ({@link Twins#swap}). Caller holds the lock. */
    private CloneRecord swapTwin(CloneRecord c, ContainerInfo primary, Phases phases) {
        Instant now = clock.instant();
        CompletableFuture<Void> activity = CompletableFuture.runAsync(() -> zfs.set(c.dataset(), Props.ACTIVITY, now.toString()), background);
        try {
            CloneRecord after = twins.swap(c, primary, now, phases);
            join(activity);
            Faults.step("reset.after-done");
            log.info("clone {} reset to its creation by swapping in its standby, in {}", c.id(), phases);
            return after;
        } catch (RuntimeException | SQLException e) {
            throw errors.translate("reset clone " + c.id(), e);
        } finally {
            prepareTwinLater(c.id(), c.template()); // the old copy becomes the next standby (or the standby is made again)
        }
    }

    /**
     * Resets clone {@code c} to its snapshot {@code snapName} ({@code created} or {@code sp-<name>}). Caller holds the lock.
     * {@link Props#RESETTING} records the target before the server stops and is cleared only once the clone serves
     * again with its owner's verifier, so an agent killed in between finishes the reset on its next start.
     */
    private CloneRecord resetTo(CloneRecord c, String snapName, CompletableFuture<Optional<ContainerInfo>> found, Phases phases) {
        String id = c.id();
        String target = c.serving() + "@" + snapName;
        Instant now = clock.instant();
        // beside the mark: the activity time (a property: no snapshot holds it)
        CompletableFuture<Void> activity = CompletableFuture.runAsync(() -> zfs.set(c.dataset(), Props.ACTIVITY, now.toString()), background);
        zfs.set(c.dataset(), Props.RESETTING, snapName);
        Faults.step("reset.after-mark");
        // the server that serves: the clone container's, or its twin's after a reset by twin
        Optional<ContainerInfo> ci = c.twinServes() ? cloneContainers.twin(id) : join(found);
        if (c.twinServes() && ci.map(x -> !runsSupervised(x)).orElse(true)) {
            throw new AgentException(ErrorCode.CONTAINER_FAILED, "clone " + id + " is served by its twin, whose container is not running: "
                    + "restart the agent (it starts the twin again) or destroy and re-create the clone");
        }
        phases.mark("find");
        // its data is about to be thrown away: no clean shutdown needed. A supervised container keeps
        // running (network, published port) while only PostgreSQL is stopped and started again; the hold
        // kills every process of the container's user, so nothing of the owner's survives into the restored data.
        boolean inPlace = ci.isPresent() && runsSupervised(ci.get()) && pg.holdDown(ci.get().id(), Duration.ofSeconds(15));
        if (!inPlace) {
            ci.ifPresent(x -> {
                containers.kill(x.id());
                containers.awaitExit(x.id(), Duration.ofSeconds(30));
            });
        }
        phases.mark(inPlace ? "stop server" : "stop container");
        Faults.step("reset.after-stop");
        try {
            zfs.rollback(target);
            phases.mark("zfs rollback");
            Faults.step("reset.after-rollback");
            // what the clone uses now: asked while its server starts
            CompletableFuture<Long> used = CompletableFuture.supplyAsync(() -> zfs.get(c.dataset(), List.of("used"))
                    .map(e -> e.getLong("used", c.usedBytes())).orElse(c.usedBytes()), background);
            String containerId = ci.map(ContainerInfo::id).orElseGet(() -> containers.create(cloneSpec(c)));
            if (inPlace) {
                pg.release(containerId);
                phases.mark("start server");
            } else {
                containers.start(containerId);
                phases.mark("docker start");
            }
            Faults.step("reset.after-start");
            // @created holds the template's data as built (the build's key); a savepoint holds the clone's own key
            char[] password = Layout.CREATED.equals(snapName) ? keys.password(layout.build(c.template(), c.snapshot()))
                    : keys.password(c.dataset(), c.guid());
            // straight to the clone's database: the owner's role and the database's ownership through one login, and the
            // relation cache of the database its owner connects to is built before the answer, not on their first query
            try (Connection conn = pg.awaitReady("clone " + id, containerId, c.port(), c.database(), password, config.readyTimeout())) {
                phases.mark("ready");
                ownership.administer(conn, c.dataset(), c.guid(), c.user(), c.verifier(), c.template(), c.port(), c.database());
            } finally {
                Arrays.fill(password, '\0');
            }
            phases.mark("role");
            Faults.step("reset.after-role");
            join(activity);
            zfs.inherit(c.dataset(), Props.RESETTING);
            phases.mark("zfs inherit");
            Faults.step("reset.after-done");
            if (!inPlace) {
                // a new clone container is a new network namespace: the twin joined the old one
                twins.forget(id);
                prepareTwinLater(id, c.template());
            }
            return c.afterReset(now, join(used));
        } catch (RuntimeException | SQLException e) {
            throw errors.translate("reset clone " + id, e);
        }
    }

    /**
     * For the reconciler: starts the server of a ready clone that an earlier agent held down and was killed before it
     * marked the clone (a destroy marks it while the server stops; without the mark nothing was thrown away, and the
     * destroy was never answered). True when it did. Takes the clone's lock.
     */
    public boolean releaseIfHeld(CloneRecord c, ContainerInfo ci) {
        return locks.with(c.id(), () -> {
            if (!runsSupervised(ci) || !pg.isHeld(ci.id())) {
                return false;
            }
            pg.release(ci.id());
            return true;
        });
    }

    /** A running container whose server the supervisor runs ({@link PostgresContainers#supervised}): it can be held down. */
    private static boolean runsSupervised(ContainerInfo ci) {
        return ci.running() && "1".equals(ci.labels().get(Layout.LABEL_SUPERVISED));
    }

    /** For the reconciler: finishes a reset an earlier agent was killed in the middle of (takes the clone's lock). */
    public void finishInterruptedReset(CloneRecord c) {
        locks.with(c.id(), () -> {
            CloneRecord now = require(c.id());
            if (now.resetting() != null && !now.resetting().isBlank()) {
                Phases phases = new Phases();
                resetTo(now, now.resetting(), CompletableFuture.completedFuture(container(now.id())), phases);
                log.info("clone {}: finished the interrupted reset to @{} in {}", c.id(), now.resetting(), phases);
            }
            return null;
        });
    }

    // ------------------------------------------------------------------ password

    @Override
    public CloneCredentials rotatePassword(String cloneId) {
        String id = Names.cloneId(cloneId);
        return timed("password", () -> locks.with(id, () -> rotate(requireReady(id))));
    }

    /** A new password for the owner's role; its verifier replaces the stored one. Caller holds the lock. */
    private CloneCredentials rotate(CloneRecord c) {
        char[] password = Passwords.random();
        try {
            String verifier = Passwords.scramVerifier(password);
            try (Connection conn = adminConnection(c)) {
                ClusterAdmin.ensureLoginRole(conn, c.user(), verifier, ownership.ownerRole(c.template()) == CloneLimits.OwnerRole.SUPERUSER);
            } catch (SQLException e) {
                throw new AgentException(ErrorCode.CONTAINER_FAILED, "cannot set the password of clone " + c.id() + ": " + e.getMessage()
                        + " (if its owner changed the agent's role, reset the clone)", e);
            }
            zfs.set(c.dataset(), Props.VERIFIER, verifier);
            return new CloneCredentials(view(require(c.id()), "ready"), new String(password));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    // ------------------------------------------------------------------ savepoints

    @Override
    public List<SavepointView> savepoints(String cloneId) {
        String id = Names.cloneId(cloneId);
        CloneRecord c = require(id);
        return c.savepoints().stream().map(s -> new SavepointView(id, s.name(), s.createdAt())).toList();
    }

    @Override
    public SavepointView savepoint(String cloneId, SavepointRequest r) {
        String id = Names.cloneId(cloneId);
        if (r == null) {
            throw new AgentException(ErrorCode.INVALID_REQUEST, "a savepoint needs a JSON body with its name");
        }
        String name = Names.savepoint(r.name());
        return timed("savepoint", () -> locks.with(id, () -> {
            CloneRecord c = requireReady(id);
            Optional<CloneRecord.Savepoint> existing = c.savepoints().stream().filter(s -> s.name().equals(name)).findFirst();
            if (existing.isPresent()) {
                return new SavepointView(id, name, existing.get().createdAt());
            }
            int cap = config.template(c.template()).map(t -> t.cloneDefaults().limits()).orElse(config.isolation().cloneDefaults()).savepoints();
            if (c.savepoints().size() >= cap) {
                throw new AgentException(ErrorCode.CONFLICT, "clone '" + id + "' already has " + c.savepoints().size() + " savepoints, the most "
                        + "its template allows (clone.savepoints " + cap + "): delete one first (DELETE /v1/clones/" + id + "/savepoints/<name>)");
            }
            reserve.check("a savepoint of clone " + id);
            // a CHECKPOINT first keeps the crash recovery short when the clone is rolled back to it
            try (Connection conn = connectAsAgent(c, 60)) {
                ClusterAdmin.checkpoint(conn);
            } catch (SQLException e) {
                log.info("savepoint {} of {}: no CHECKPOINT ({}); taking the snapshot anyway", name, id, e.getMessage());
            }
            Faults.step("savepoint.after-checkpoint");
            try {
                zfs.snapshot(Layout.savepointOf(c.serving(), name));
            } catch (RuntimeException e) {
                throw errors.translate("savepoint " + name + " of clone " + id, e);
            }
            Faults.step("savepoint.after-snapshot");
            CloneRecord after = require(id);
            Instant at = after.savepoints().stream().filter(s -> s.name().equals(name)).map(CloneRecord.Savepoint::createdAt)
                    .findFirst().orElse(clock.instant());
            return new SavepointView(id, name, at);
        }));
    }

    @Override
    public void deleteSavepoint(String cloneId, String savepoint) {
        String id = Names.cloneId(cloneId);
        String name = Names.savepoint(savepoint);
        timed("savepoint_delete", () -> locks.with(id, () -> {
            CloneRecord c = require(id);
            if (!c.hasSavepoint(name)) {
                throw CloneErrors.unknownSavepoint(id, name);
            }
            zfs.destroy(Layout.savepointOf(c.serving(), name));
            return null;
        }));
    }

    // ------------------------------------------------------------------ destroy

    /**
     * Destroys a clone. The answer goes out once it is unreachable and its id free: its server and every process in its
     * container killed (the supervisor's hold; a container that cannot be held is removed here) and its dataset marked
     * {@link Props#STATE_DESTROYING} (never found, listed or counted again). Its containers' removal, the port's release,
     * {@code zfs destroy -r} and the template's retention follow in the background ({@link #finishDestroy}), or at the
     * next start's reconciliation if the agent stops first. A create of the same id meanwhile waits for them
     * ({@link #awaitDestroyed}).
     */
    @Override
    public void destroy(String cloneId) {
        String id = Names.cloneId(cloneId);
        timed("destroy", () -> locks.with(id, () -> {
            Phases phases = new Phases();
            twins.forget(id);
            CompletableFuture<List<ContainerInfo>> listed = CompletableFuture.supplyAsync(() -> {
                List<ContainerInfo> all = new ArrayList<>(cloneContainers.all(id));
                cloneContainers.twin(id).ifPresent(all::add); // the owner's sessions may be on its twin's server
                return all;
            }, background);
            Optional<CloneRecord> c = find(id);
            List<ContainerInfo> ctrs = join(listed);
            phases.mark("find");
            if (c.isEmpty() && ctrs.isEmpty()) {
                throw new AgentException(ErrorCode.UNKNOWN_CLONE, "no clone '" + id + "' on this host: list clones with GET /v1/clones");
            }
            // the mark beside the stop: stopped between the two, the next start finds a ready clone (and starts it
            // again: the destroy was never answered) or a marked one (and removes it, containers and dataset)
            CompletableFuture<Void> marked = c.isEmpty() ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.runAsync(() -> zfs.set(c.get().dataset(), Props.STATE, Props.STATE_DESTROYING), background);
            // the servers (the clone's, its twin's) held down side by side
            List<CompletableFuture<Boolean>> holds = ctrs.stream().map(x -> CompletableFuture.supplyAsync(
                    () -> runsSupervised(x) && pg.holdDown(x.id(), Duration.ofSeconds(5)), background)).toList();
            List<ContainerInfo> removeNow = new ArrayList<>();
            for (int i = 0; i < ctrs.size(); i++) {
                if (!join(holds.get(i))) {
                    removeNow.add(ctrs.get(i));
                }
            }
            try {
                removeNow.stream().map(x -> CompletableFuture.runAsync(() -> containers.removeForce(x.id()), background)).toList()
                        .forEach(CloneService::join);
                join(marked);
            } catch (RuntimeException e) {
                throw errors.translate("destroy clone " + id, e);
            }
            phases.mark(removeNow.isEmpty() ? "stop server" : "docker rm");
            Faults.step("destroy.after-mark");
            datasets.forget(id);
            CompletableFuture<Void> done = new CompletableFuture<>();
            pendingDestroys.put(id, done);
            background.execute(() -> {
                try {
                    Faults.step("destroy.before-cleanup");
                    finishDestroy(id, c.map(CloneRecord::dataset).orElse(null), c.map(CloneRecord::port).orElse(0),
                            c.map(CloneRecord::template).orElse(null));
                    pendingDestroys.remove(id, done);
                    done.complete(null);
                } catch (Throwable e) { // an injected crash too: the entry stays, as what was left does
                    done.completeExceptionally(e);
                }
            });
            log.info("clone {} destroyed in {}", id, phases);
            return null;
        }));
    }

    /** Background destroys by clone id. */
    private final Map<String, CompletableFuture<Void>> pendingDestroys = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The background half of a destroy: the clone's containers (by name and label), its port, its dataset with its
     * snapshots (none: {@code dataset} null), then the template's retention.
     */
    private void finishDestroy(String id, String dataset, int port, String template) {
        Phases phases = new Phases();
        twins.remove(id); // first: it lives in the clone container's network namespace
        for (ContainerInfo x : cloneContainers.all(id)) {
            containers.removeForce(x.id());
        }
        phases.mark("docker rm");
        if (port > 0) {
            ports.release(port);
        }
        if (dataset != null) {
            try {
                zfs.destroyRecursive(dataset);
            } catch (RuntimeException e) {
                log.error("clone {}: cannot destroy its dataset {} ({}); a create of that id or the next start does", id, dataset,
                        e.getMessage());
                throw e;
            }
            keys.forget(dataset);
            phases.mark("zfs destroy");
        }
        log.info("clone {}: container and dataset removed in {}", id, phases);
        if (template != null) {
            try {
                catalog.applyRetention(template);
            } catch (RuntimeException e) {
                log.warn("retention of {} after destroying {}: {}", template, id, e.getMessage());
            }
        }
    }

    /**
     * Waits for the background half of a destroy of clone {@code id} if one runs, and when that failed removes here what
     * it left (its containers, datasets marked destroying for that id), so the id is free. No cost when none ran. Caller
     * holds the clone's lock.
     */
    private void awaitDestroyed(String id) {
        CompletableFuture<Void> f = pendingDestroys.get(id);
        if (f == null) {
            return;
        }
        try {
            f.join();
        } catch (RuntimeException | Error e) {
            // logged by the destroy (or a test's injected crash): what it left goes here
            twins.remove(id);
            for (ContainerInfo x : cloneContainers.all(id)) {
                containers.removeForce(x.id());
            }
            for (ZfsEntry e2 : zfs.get(layout.clones(), true, List.of(Props.STATE, Props.CLONE)).values()) {
                String owner = e2.get(Props.CLONE) == null || e2.get(Props.CLONE).isBlank() ? e2.leaf() : e2.get(Props.CLONE);
                if (!e2.isSnapshot() && id.equals(owner) && Props.STATE_DESTROYING.equals(e2.get(Props.STATE))) {
                    finishDestroy(e2.dataset());
                }
            }
        }
        pendingDestroys.remove(id);
    }

    /** A clone port; when none is free but destroys are still giving theirs back, after they have. */
    private int allocatePort() {
        try {
            return ports.allocate();
        } catch (AgentException e) {
            if (e.code() != ErrorCode.PORTS_EXHAUSTED || pendingDestroys.isEmpty()) {
                throw e;
            }
            awaitDestroys(Duration.ofSeconds(30));
            return ports.allocate();
        }
    }

    /** Waits until every background destroy of this agent has ended (tests, and a clean stop). */
    public void awaitDestroys(Duration timeout) {
        try {
            CompletableFuture.allOf(pendingDestroys.values().toArray(new CompletableFuture[0])).get(timeout.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            log.warn("background destroys not finished: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For the reconciler: destroys the dataset of a clone destroyed by an agent that stopped before it was gone. */
    public void finishDestroy(String dataset) {
        zfs.destroyRecursive(dataset);
        keys.forget(dataset);
    }

    /** Removes a clone's containers, dataset and port without asking (reconciliation, half-made clones). Caller holds the lock. */
    void removeEverything(String id, String dataset, int port) {
        twins.remove(id);
        for (ContainerInfo x : cloneContainers.all(id)) {
            containers.removeForce(x.id());
        }
        containers.removeForce(layout.cloneContainer(id));
        zfs.destroyRecursive(dataset);
        datasets.forget(id);
        if (port > 0) {
            ports.release(port);
        }
    }

    /** Public form for the reconciler: takes the clone's lock. */
    public void removeHalfMade(CloneRecord c) {
        locks.with(c.id(), () -> {
            removeEverything(c.id(), c.dataset(), c.port());
            return null;
        });
    }

    // ------------------------------------------------------------------ running containers

    /**
     * Makes sure a ready clone's container exists and runs (re-creating it from the dataset when
     * it is gone) and returns an admin connection. Caller holds the lock.
     */
    Connection adminConnection(CloneRecord c) {
        try {
            return connectAsAgent(c, 60);
        } catch (SQLException first) {
            String containerId = ensureContainer(c);
            return pg.awaitReady("clone " + c.id(), containerId, c.port(), "postgres", keys.password(c.dataset(), c.guid()), config.readyTimeout());
        }
    }

    /** A connection to a ready clone as the agent, with this clone's own key (SCRAM only: {@link dev.dolly.agent.pg.ScramOnly}). */
    public Connection connectAsAgent(CloneRecord c, int socketTimeoutSeconds) throws SQLException {
        return connectAsAgent(c, "postgres", socketTimeoutSeconds);
    }

    /** The same, to {@code database} (a migration check works in the clone's own database). */
    public Connection connectAsAgent(CloneRecord c, String database, int socketTimeoutSeconds) throws SQLException {
        char[] password = keys.password(c.dataset(), c.guid());
        try {
            return PgConnect.connect("127.0.0.1", c.port(), database, Passwords.AGENT_ROLE, password, socketTimeoutSeconds);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Starts (or re-creates and starts) a ready clone's container; returns its id. Caller holds the lock. */
    public String ensureContainer(CloneRecord c) {
        Optional<ContainerInfo> ci = container(c.id());
        String containerId = ci.map(ContainerInfo::id).orElseGet(() -> containers.create(cloneSpec(c)));
        if (ci.isEmpty() || !ci.get().running()) {
            log.info("clone {}: (re)starting its container", c.id());
            containers.start(containerId);
        }
        return containerId;
    }

    public Optional<ContainerInfo> container(String id) {
        return cloneContainers.find(id);
    }

    private ContainerSpec cloneSpec(CloneRecord c) {
        String leaf = c.dataset().substring(c.dataset().lastIndexOf('/') + 1); // a clone made from a spare keeps its dataset
        return cloneContainers.spec(c.id(), c.template(), c.snapshot(), c.postgres(), c.owner(), c.port(), clonesMountpoint() + "/" + leaf);
    }

    private String clonesMountpoint() {
        String mp = clonesMountpoint;
        if (mp == null) {
            mp = zfs.get(layout.clones(), List.of("mountpoint")).map(e -> e.get("mountpoint"))
                    .filter(m -> m.startsWith("/"))
                    .orElseThrow(() -> new AgentException(ErrorCode.INTERNAL, layout.clones() + " is not mounted"));
            clonesMountpoint = mp;
        }
        return mp;
    }

    // ------------------------------------------------------------------ views, errors

    private String runtimeState(CloneRecord c, ContainerInfo ci) {
        if (!c.ready()) {
            return "creating";
        }
        if (ci == null) {
            return "missing-container";
        }
        return ci.running() ? "ready" : "stopped";
    }

    CloneView view(CloneRecord c, String state) {
        return new CloneView(c.id(), c.template(), c.snapshot(), config.host(), c.port(), c.database(), c.user(), c.owner(),
                c.createdAt(), c.expiresAt(), c.protectedClone(), c.lastActivityAt(), state, c.usedBytes(), c.postgres());
    }

    private <T> T timed(String op, Supplier<T> body) {
        long t0 = System.nanoTime();
        try {
            T r = body.get();
            metrics.cloneOperation(op, "ok", System.nanoTime() - t0);
            return r;
        } catch (AgentException e) {
            metrics.cloneFailed(op, e.code(), System.nanoTime() - t0);
            throw e;
        } catch (RuntimeException e) {
            metrics.cloneFailed(op, ErrorCode.INTERNAL, System.nanoTime() - t0);
            throw e;
        }
    }

    public void close() {
        awaitDestroys(Duration.ofSeconds(30));
        spares.close();
        twins.close();
        background.shutdown();
    }
}
