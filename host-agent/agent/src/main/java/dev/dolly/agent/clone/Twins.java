package dev.dolly.agent.clone;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.Faults;
import dev.dolly.agent.Layout;
import dev.dolly.agent.Phases;
import dev.dolly.agent.Props;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.docker.CloneContainers;
import dev.dolly.agent.docker.ContainerInfo;
import dev.dolly.agent.docker.Containers;
import dev.dolly.agent.docker.PostgresContainers;
import dev.dolly.agent.docker.TwinRules;
import dev.dolly.agent.pg.ClusterKeys;
import dev.dolly.agent.pg.Passwords;
import dev.dolly.agent.pg.PgConnect;
import dev.dolly.agent.zfs.Zfs;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A clone's twin: a second copy of its {@code @created} state, served by a second, idle server in the clone container's
 * network namespace, so that a reset to {@code @created} swaps servers instead of waiting for a rollback and a PostgreSQL
 * start (issue 19's reset target; the data of a reset is thrown away, so the swap loses nothing).
 *
 * <p>Shape: the clone container C serves its dataset D on 5432 and holds the network namespace and the published port;
 * the twin container (same image, confinement and limits; {@code --network container:C}) serves the twin dataset
 * {@code D/twin} (a clone of the same template snapshot, with its own {@code @created}) on
 * {@link CloneContainers#TWIN_PORT}. {@link TwinRules} in C's namespace send the clone's port to whichever serves;
 * {@link Props#SERVING} on D says which (written once per swap: the commit point). The other one is the standby, prepared
 * in the background: rolled back to its {@code @created}, started, given the agent's key of this clone and the owner's
 * role and verifier.
 *
 * <p>A reset by twin: the owner's verifier on the standby if it changed since, {@link Props#SERVING} flipped, the rules
 * switched (new connections reach the standby), the old server held down (every session and process of the owner in it
 * killed), answered; then the old copy becomes the next standby. Killed anywhere in between, the next start re-applies
 * the rules for what {@link Props#SERVING} says and prepares the standby again ({@link #reconcile}). Off where there is no
 * network namespace of the clone's own (host networking) and for templates with {@code clone.spares: 0}.
 */
public final class Twins implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Twins.class);
    private final AgentConfig config;
    private final Layout layout;
    private final Zfs zfs;
    private final PostgresContainers pg;
    private final Containers containers;
    private final CloneContainers cloneContainers;
    private final ClusterKeys keys;
    private final CloneOwnership ownership;
    private final TwinRules rules;
    private final Supplier<String> clonesMountpoint;
    /** Clone id → the owner's verifier its standby was prepared with; absent: no standby ready (the reset goes in place). */
    private final Map<String, String> prepared = new ConcurrentHashMap<>();
    /** Clone id → how often its shape changed ({@link #forget}); a preparation counts only if it did not meanwhile. */
    private final Map<String, Long> generations = new ConcurrentHashMap<>();
    /** Clone id → the preparation running for it. */
    private final Map<String, java.util.concurrent.CompletableFuture<Void>> running = new ConcurrentHashMap<>();
    private final ExecutorService preparing = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "clone-twins");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });
    private volatile boolean closed;

    public Twins(AgentConfig config, Layout layout, Zfs zfs, PostgresContainers pg, CloneContainers cloneContainers, ClusterKeys keys,
                 CloneOwnership ownership, TwinRules rules, Supplier<String> clonesMountpoint) {
        this.config = config;
        this.layout = layout;
        this.zfs = zfs;
        this.pg = pg;
        this.containers = pg.containers();
        this.cloneContainers = cloneContainers;
        this.keys = keys;
        this.ownership = ownership;
        this.rules = rules;
        this.clonesMountpoint = clonesMountpoint;
    }

    /** Clones of {@code template} get a twin: the clone has a network namespace of its own and the template's warm paths are on. */
    public boolean enabled(String template) {
        return config.network() == AgentConfig.Network.BRIDGE
                && config.template(template).map(t -> t.cloneDefaults().limits().spares()).orElse(0) > 0;
    }

    /** True when clone {@code c}'s standby is prepared: a reset to {@code @created} can {@link #swap}. */
    public boolean ready(CloneRecord c) {
        return enabled(c.template()) && c.hasTwin() && prepared.containsKey(c.id());
    }

    /**
     * Resets clone {@code c} to {@code @created} by swapping in its prepared standby (see the class comment); returns the
     * clone as it is afterwards. {@code primary}: the clone container, running. Caller holds the clone's lock and has
     * checked {@link #ready}; the standby's preparation is the caller's to {@link #prepareLater schedule} afterwards.
     */
    public CloneRecord swap(CloneRecord c, ContainerInfo primary, java.time.Instant now, Phases phases) throws SQLException {
        String preparedWith = prepared.remove(c.id());
        boolean toTwin = !c.twinServes();
        long pid = containers.hostPid(primary.id());
        if (pid <= 0) {
            throw new AgentException(ErrorCode.CONTAINER_FAILED, "clone " + c.id() + ": its container stopped during the reset; reset it again");
        }
        if (!Objects.equals(preparedWith, c.verifier())) {
            // the owner's password changed since the standby was made: it gets the current verifier before it serves
            char[] own = keys.password(c.dataset(), c.guid());
            try (Connection conn = connectTo(c, primary, toTwin, own)) {
                ownership.giveTo(conn, c.dataset(), c.guid(), c.user(), c.verifier(), c.template(), c.port(), c.database());
            } finally {
                Arrays.fill(own, '\0');
            }
            phases.mark("role");
        }
        // the commit point and the switch side by side: killed between them, the next start applies the rules for what
        // dolly:serving says, and the old server has not been held down yet, so either way one whole copy serves
        java.util.concurrent.CompletableFuture<Void> switched = java.util.concurrent.CompletableFuture.runAsync(() -> rules.apply(pid, toTwin));
        if (toTwin) {
            zfs.set(c.dataset(), Props.SERVING, Props.SERVING_TWIN);
        } else {
            zfs.inherit(c.dataset(), Props.SERVING);
        }
        Faults.step("reset.twin.after-serving");
        try {
            switched.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        phases.mark("serving set, switched");
        String oldServer = toTwin ? primary.id() : layout.twinContainer(c.id());
        if (!pg.holdDown(oldServer, Duration.ofSeconds(15))) {
            if (toTwin) {
                // the clone container holds the namespace the twin serves in: it stays, and its standby preparation holds it again
                log.error("clone {}: its container's server could not be held down after the reset", c.id());
            } else {
                log.error("clone {}: its twin's server could not be held down after the reset; removing the twin's container", c.id());
                containers.removeForce(oldServer);
            }
        }
        phases.mark("stop old server");
        return c.swapped(now);
    }

    /**
     * Prepares clone {@code id}'s standby in the background, one clone at a time and never beside a create on the ordinary
     * path. It works on the standby copy only, so it does not hold the clone's lock (a destroy or a reset meanwhile does not
     * wait for it): anything that changes the clone's shape ({@link #forget}: a destroy, a new clone container) moves the
     * clone's generation on, and the preparation stops at its next step and is not counted. {@code tryWithLock} runs its
     * last step, recording the standby as ready, under the clone's lock; {@code find} reads the clone.
     */
    public void prepareLater(String id, String template, java.util.function.Predicate<Runnable> tryWithLock, Supplier<Optional<CloneRecord>> find,
                             BooleanSupplier coldCreating) {
        if (closed || !enabled(template)) {
            return;
        }
        preparing.execute(() -> {
            for (int i = 0; i < 600 && coldCreating.getAsBoolean() && !closed; i++) {
                sleep(50);
            }
            if (closed) {
                return;
            }
            long gen = generation(id);
            java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
            running.put(id, done);
            try {
                Optional<CloneRecord> c = find.get().filter(CloneRecord::ready);
                if (c.isPresent() && prepare(c.get(), () -> generation(id) == gen)) {
                    // under the clone's lock, but never waiting on it: what holds it may be waiting for this to stop
                    boolean recorded = false;
                    while (!recorded && generation(id) == gen && !closed) {
                        recorded = tryWithLock.test(() -> {
                            if (generation(id) == gen) {
                                prepared.put(id, c.get().verifier());
                            }
                        });
                        if (!recorded) {
                            sleep(5);
                        }
                    }
                }
            } catch (Superseded e) {
                log.info("clone {}: stopped preparing its standby ({})", id, e.getMessage());
            } catch (RuntimeException e) {
                log.warn("clone {}: its twin is not ready ({}); its resets go in place until the next try", id, e.getMessage());
            } finally {
                running.remove(id, done);
                done.complete(null);
            }
        });
    }

    /** Waits until no preparation of clone {@code id}'s standby runs (a destroy's clean-up, before it removes the twin). */
    public void awaitIdle(String id) {
        java.util.concurrent.CompletableFuture<Void> f = running.get(id);
        if (f != null) {
            try {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("clone {}: its standby's preparation did not stop: {}", id, e.getMessage());
            }
        }
    }

    private long generation(String id) {
        return generations.getOrDefault(id, 0L);
    }

    /** The clone's shape changed under a preparation. */
    private static final class Superseded extends RuntimeException {
        Superseded(String what) {
            super(what, null, false, false);
        }
    }

    private static void check(BooleanSupplier current, String before) {
        if (!current.getAsBoolean()) {
            throw new Superseded("the clone changed before " + before);
        }
    }

    /**
     * Makes clone {@code c}'s standby ready (see the class comment); true when it did. {@code current}: false once the
     * clone changed (then it stops, {@link Superseded}).
     */
    private boolean prepare(CloneRecord c, BooleanSupplier current) {
        if (!enabled(c.template())) {
            return false;
        }
        Phases phases = new Phases();
        ContainerInfo primary = cloneContainers.find(c.id()).filter(ContainerInfo::running).orElseThrow(() ->
                new AgentException(ErrorCode.CONTAINER_FAILED, "clone " + c.id() + " has no running container"));
        long pid = containers.hostPid(primary.id());
        boolean twinIsStandby = !c.twinServes();
        String standbyDataset = twinIsStandby ? Layout.twinOf(c.dataset()) : c.dataset();
        Optional<ContainerInfo> twin = cloneContainers.twin(c.id());
        if (twinIsStandby) {
            boolean made = false;
            check(current, "the twin's rollback");
            if (c.hasTwin()) {
                if (twin.isPresent() && twin.get().running() && !pg.isHeld(twin.get().id()) && !pg.holdDown(twin.get().id(), Duration.ofSeconds(15))) {
                    containers.removeForce(twin.get().id());
                    twin = Optional.empty();
                }
                try {
                    zfs.rollback(Layout.createdOf(standbyDataset));
                    made = true;
                    phases.mark("zfs rollback");
                } catch (dev.dolly.agent.zfs.ZfsException e) {
                    // half made by an agent stopped before its @created: made again
                    log.info("clone {}: its twin dataset has no @created ({}); making it again", c.id(), e.getMessage());
                    twin.ifPresent(t -> containers.removeForce(t.id()));
                    twin = Optional.empty();
                    zfs.destroyRecursive(standbyDataset);
                }
            }
            if (!made) {
                check(current, "the twin's zfs clone");
                zfs.clone(layout.readySnapshot(c.template(), c.snapshot()), standbyDataset, Map.of("mountpoint", twinMountpoint(c)));
                zfs.snapshot(Layout.createdOf(standbyDataset));
                phases.mark("zfs clone");
            }
            // a twin container in another (older) namespace than the clone container's, or stopped, is made again
            if (twin.isPresent() && (!twin.get().running() || !sameNetwork(twin.get().id(), pid))) {
                containers.removeForce(twin.get().id());
                twin = Optional.empty();
            }
            check(current, "the twin's start");
            if (twin.isPresent()) {
                pg.release(twin.get().id());
                phases.mark("start server");
            } else {
                startTwinContainer(c, primary);
                phases.mark("docker start");
            }
        } else {
            check(current, "the clone dataset's rollback");
            if (!pg.isHeld(primary.id()) && !pg.holdDown(primary.id(), Duration.ofSeconds(15))) {
                throw new AgentException(ErrorCode.CONTAINER_FAILED, "clone " + c.id() + ": cannot hold its container's server down");
            }
            zfs.rollback(Layout.createdOf(standbyDataset));
            phases.mark("zfs rollback");
            pg.release(primary.id());
            phases.mark("start server");
        }
        check(current, "the rules");
        rules.install(pid, c.twinServes());
        phases.mark("rules");
        char[] build = keys.password(layout.build(c.template(), c.snapshot()));
        try (Connection conn = connectTo(c, primary, twinIsStandby, build, current)) {
            phases.mark("ready");
            check(current, "the owner's role");
            ownership.administer(conn, c.dataset(), c.guid(), c.user(), c.verifier(), c.template(), c.port(), c.database());
        } catch (SQLException e) {
            throw new AgentException(ErrorCode.CONTAINER_FAILED, "clone " + c.id() + ": its standby refused the owner's role: " + e.getMessage(), e);
        } finally {
            Arrays.fill(build, '\0');
        }
        phases.mark("role");
        log.info("clone {}: standby ({}) ready in {}", c.id(), twinIsStandby ? "twin" : "own dataset", phases);
        return true;
    }

    /**
     * For the reconciler, on a ready clone whose container runs: its twin as {@link Props#SERVING} says. When the twin
     * serves, its container must run in the clone container's namespace (made again on the twin's data when not) and the
     * rules must send the port to it; in every case the standby is prepared again (in the background). Caller holds the lock.
     */
    public void reconcile(CloneRecord c, ContainerInfo primary, java.util.function.Predicate<Runnable> tryWithLock, Supplier<Optional<CloneRecord>> find,
                          BooleanSupplier coldCreating) {
        forget(c.id());
        long pid = containers.hostPid(primary.id());
        boolean started = false;
        if (c.twinServes() && pid > 0) {
            Optional<ContainerInfo> twin = cloneContainers.twin(c.id());
            if (twin.isEmpty() || !twin.get().running() || !sameNetwork(twin.get().id(), pid)) {
                twin.ifPresent(t -> containers.removeForce(t.id()));
                startTwinContainer(c, primary);
                started = true;
                log.info("reconcile: clone {} is served by its twin; started the twin's container again", c.id());
            } else if (pg.isHeld(twin.get().id())) {
                pg.release(twin.get().id());
                started = true;
            }
        }
        if (pid > 0 && (c.twinServes() || c.hasTwin())) {
            rules.install(pid, c.twinServes());
        }
        if (started) {
            // a ready clone serves once the start is over, as one whose own container was started
            char[] own = keys.password(c.dataset(), c.guid());
            try (Connection ignored = connectTo(c, primary, true, own)) {
                log.info("reconcile: clone {}'s twin serves again", c.id());
            } catch (SQLException e) {
                log.warn("reconcile: clone {}'s twin: {}", c.id(), e.getMessage());
            } finally {
                Arrays.fill(own, '\0');
            }
        }
        if (c.hasTwin() || enabled(c.template())) {
            prepareLater(c.id(), c.template(), tryWithLock, find, coldCreating);
        }
    }

    /** Clone {@code id} is being destroyed: its standby is no longer ready. Its container goes with {@link #remove}. */
    public void forget(String id) {
        generations.merge(id, 1L, Long::sum);
        prepared.remove(id);
    }

    /** Removes clone {@code id}'s twin container (before the clone's own: it lives in that one's namespace). */
    public void remove(String id) {
        forget(id);
        awaitIdle(id);
        containers.removeForce(layout.twinContainer(id));
    }

    /** Creates and starts clone {@code c}'s twin container in the namespace of its clone container {@code primary}. */
    private void startTwinContainer(CloneRecord c, ContainerInfo primary) {
        String id = containers.create(cloneContainers.twinSpec(c.id(), c.template(), c.snapshot(), c.postgres(), c.owner(),
                primary.id(), twinMountpoint(c)));
        containers.start(id);
    }

    /** Where clone {@code c}'s twin dataset is mounted: beside the clone's own, never inside its data directory. */
    private String twinMountpoint(CloneRecord c) {
        return clonesMountpoint.get() + "/" + c.dataset().substring(c.dataset().lastIndexOf('/') + 1) + "." + Layout.TWIN;
    }

    /**
     * A connection as the agent, from the host to the clone container's address, to the twin's server ({@code twinServer})
     * or the clone container's own (whether it serves or stands by: the rules reach both).
     */
    private Connection connectTo(CloneRecord c, ContainerInfo primary, boolean twinServer, char[] password) {
        return connectTo(c, primary, twinServer, password, () -> true);
    }

    private Connection connectTo(CloneRecord c, ContainerInfo primary, boolean twinServer, char[] password, BooleanSupplier current) {
        String ip = containers.ipAddress(primary.id()).orElseThrow(() ->
                new AgentException(ErrorCode.CONTAINER_FAILED, "clone " + c.id() + ": its container has no address"));
        int port = twinServer ? CloneContainers.TWIN_PORT : TwinRules.STANDBY_ALIAS;
        String server = twinServer ? layout.twinContainer(c.id()) : primary.id();
        return PgConnect.awaitReady("standby of clone " + c.id(), ip, port, c.database(), Passwords.AGENT_ROLE, password,
                config.readyTimeout(), () -> {
                    if (!current.getAsBoolean()) {
                        return "the clone changed meanwhile";
                    }
                    Optional<dev.dolly.agent.docker.ContainerState> st = containers.inspect(server);
                    return st.isEmpty() ? "container is gone" : st.get().running() ? null : st.get().describe();
                });
    }

    /** True when container {@code id} runs in the network namespace of host pid {@code pid}. */
    private boolean sameNetwork(String id, long pid) {
        long twinPid = containers.hostPid(id);
        try {
            return twinPid > 0 && java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/" + twinPid + "/ns/net"))
                    .equals(java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/" + pid + "/ns/net")));
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        preparing.shutdownNow();
    }
}
