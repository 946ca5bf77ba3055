package dev.dolly.agent.clone.spares;

import dev.dolly.agent.api.RequestIds;
import dev.dolly.agent.Faults;
import dev.dolly.agent.Layout;
import dev.dolly.agent.Names;
import dev.dolly.agent.Props;
import dev.dolly.agent.clone.CloneDatasets;
import dev.dolly.agent.clone.CloneOwnership;
import dev.dolly.agent.clone.CloneProperties;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.config.TemplateConfig;
import dev.dolly.agent.docker.CloneContainers;
import dev.dolly.agent.docker.ContainerInfo;
import dev.dolly.agent.docker.Containers;
import dev.dolly.agent.zfs.Zfs;
import dev.dolly.agent.zfs.ZfsEntry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warm spares (issue 19): per template ({@code clone.spares}, default 2, 0: none) clones of the current snapshot kept
 * ready to hand: dataset cloned with {@code @created}, container started with its published port, PostgreSQL accepting
 * the agent (with the spare's own key), no owner. A create of the current snapshot {@link #take}s one and finishes it
 * (owner role, the clone's properties, the container's name) in a fraction of a cold create; a background thread
 * refills the pool, drops spares of a snapshot that is no longer current (a refresh promoted a new one), and is woken
 * by takes and promotions.
 *
 * <p>A spare is dataset {@code <root>/clones/spare.<hex>} with {@link Props#STATE} {@code spare} (never listed, counted
 * or sampled as a clone) and container {@link Layout#spareContainer}. Taking it sets {@link Props#CLONE} and the
 * owner's properties, renames the container {@link Layout#cloneContainer}, and sets the state {@code ready} last: an
 * agent killed before that leaves a spare, which the next start removes ({@link #removeAll}) with everything else of
 * the spares, whatever step they were at.
 */
public final class SparePool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SparePool.class);

    private final AgentConfig config;
    private final Layout layout;
    private final Zfs zfs;
    private final Containers containers;
    private final CloneContainers cloneContainers;
    private final CloneDatasets datasets;
    private final CloneOwnership ownership;
    private final SpareMaker maker;
    private final Clock clock;
    private final Map<String, ConcurrentLinkedDeque<Spare>> ready = new ConcurrentHashMap<>();
    private final Semaphore wake = new Semaphore(0);
    /** Spares of a snapshot that is no longer current, for the refill to remove. */
    private final ConcurrentLinkedDeque<Spare> stale = new ConcurrentLinkedDeque<>();
    /** Promotions per template: a spare made across one is stale. */
    private final Map<String, java.util.concurrent.atomic.AtomicLong> generation = new ConcurrentHashMap<>();
    private final java.util.concurrent.ExecutorService setters = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "spare-take");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    /** Creates on the ordinary path in flight: the refill waits for them (a burst that ran out of spares goes first). */
    private final java.util.concurrent.atomic.AtomicInteger coldCreates = new java.util.concurrent.atomic.AtomicInteger();
    private Thread refiller;

    public SparePool(AgentConfig config, Layout layout, Zfs zfs, Containers containers, CloneContainers cloneContainers,
                     CloneDatasets datasets, CloneOwnership ownership, SpareMaker maker, Clock clock) {
        this.config = config;
        this.layout = layout;
        this.zfs = zfs;
        this.containers = containers;
        this.cloneContainers = cloneContainers;
        this.datasets = datasets;
        this.ownership = ownership;
        this.maker = maker;
        this.clock = clock;
    }

    /** Spares a template keeps ({@code clone.spares}). */
    public int target(String template) {
        return config.template(template).map(t -> t.cloneDefaults().limits().spares()).orElse(0);
    }

    /** Ready spares of a template now. */
    public int available(String template) {
        return ready.getOrDefault(template, new ConcurrentLinkedDeque<>()).size();
    }

    /** Every ready spare (for the benchmark's cost rows and tests). */
    public List<Spare> spares() {
        List<Spare> out = new ArrayList<>();
        ready.values().forEach(out::addAll);
        return out;
    }

    /** Starts the background refill. */
    public synchronized void start() {
        if (refiller != null || config.templates().values().stream().allMatch(t -> t.cloneDefaults().limits().spares() == 0)) {
            return;
        }
        refiller = new Thread(this::refillLoop, "spares");
        refiller.setDaemon(true);
        refiller.start();
    }

    /** Runs a create on the ordinary path; the refill makes no spare meanwhile (it would compete for docker and zfs). */
    public <T> T coldCreate(java.util.function.Supplier<T> create) {
        coldCreates.incrementAndGet();
        try {
            return create.get();
        } finally {
            if (coldCreates.decrementAndGet() == 0) {
                wake();
            }
        }
    }

    /** True while a create runs on the ordinary path (background work that competes for docker and zfs waits). */
    public boolean coldCreating() {
        return coldCreates.get() > 0;
    }

    /** Wakes the refill (a spare was taken). */
    public void wake() {
        wake.release();
    }

    /** A refresh promoted a new snapshot of the template: its spares are no longer taken, and the refill replaces them. */
    public void promoted(String template) {
        generation.computeIfAbsent(template, k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        ConcurrentLinkedDeque<Spare> q = ready.get(template);
        if (q != null) {
            for (Spare s; (s = q.poll()) != null; ) {
                stale.add(s);
            }
        }
        wake();
    }

    /**
     * Makes clone {@code id} of the template's current snapshot from a ready spare, owned by {@code owner} whose role
     * gets {@code verifier}. Empty when no spare of that snapshot is ready (the caller then makes the clone the ordinary
     * way), or when finishing the spare failed (it is removed). Caller holds the clone's lock; the clone does not exist.
     */
    public Optional<String> take(String id, TemplateConfig tc, String owner, String requestedSnapshot, String verifier,
                                 Instant expiresAt, boolean protect) {
        String template = tc.name();
        if (target(template) == 0) {
            return Optional.empty();
        }
        Deque q = new Deque(ready.computeIfAbsent(template, k -> new ConcurrentLinkedDeque<>()));
        Spare s = q.poll(requestedSnapshot);
        wake();
        if (s == null) {
            return Optional.empty();
        }
        try {
            finish(s, id, tc, owner, verifier, expiresAt, protect);
            datasets.alias(id, s.dataset());
            log.info("clone {} of {}/{} made from spare {} (port {}) for {}", id, template, s.snapshot(), s.key(), s.port(), owner);
            return Optional.of(s.dataset());
        } catch (RuntimeException | SQLException e) {
            log.warn("clone {}: spare {} could not be finished ({}); removing it and creating the clone the ordinary way", id, s.key(),
                    e.getMessage());
            maker.remove(s.key(), s.dataset(), s.port());
            return Optional.empty();
        } finally {
            s.close();
        }
    }

    /** The owner's role, the clone's properties, the container's name; the state {@code ready} last. */
    private void finish(Spare s, String id, TemplateConfig tc, String owner, String verifier, Instant expiresAt, boolean protect)
            throws SQLException {
        Faults.step("spare.take.begin");
        ownership.giveTo(s.connection(), s.dataset(), null, Names.roleForOwner(owner), verifier, tc.name(), s.port(), tc.database());
        Faults.step("spare.take.after-role");
        containers.rename(s.containerId(), layout.cloneContainer(id));
        Map<String, String> props = new LinkedHashMap<>();
        props.put(Props.CLONE, id);
        props.putAll(CloneProperties.forCreate(owner, verifier, clock.instant(), expiresAt, protect));
        setAll(s.dataset(), props);
        Faults.step("spare.take.after-props");
        zfs.set(s.dataset(), Props.STATE, Props.STATE_READY);
    }

    /** One {@code zfs set} per property (zfs-fuse takes one at a time), side by side. */
    private void setAll(String dataset, Map<String, String> props) {
        List<java.util.concurrent.CompletableFuture<Void>> fs = new ArrayList<>();
        props.forEach((k, v) -> fs.add(java.util.concurrent.CompletableFuture.runAsync(RequestIds.carry(() -> zfs.set(dataset, k, v)), setters)));
        try {
            java.util.concurrent.CompletableFuture.allOf(fs.toArray(new java.util.concurrent.CompletableFuture[0])).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    // ------------------------------------------------------------------ refill

    private void refillLoop() {
        while (!closed) {
            try {
                for (TemplateConfig t : config.templates().values()) {
                    if (!closed) {
                        refill(t);
                    }
                }
            } catch (RuntimeException e) {
                log.warn("spares: {}", e.getMessage());
            }
            try {
                wake.tryAcquire(5, TimeUnit.SECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Drops the template's spares of another snapshot than its current one, then makes spares up to its target. */
    void refill(TemplateConfig t) {
        String template = t.name();
        int target = target(template);
        java.util.Set<String> promoted = new java.util.TreeSet<>();
        for (Spare s; (s = stale.poll()) != null; ) {
            log.info("spares: removing spare {} of {}/{} (a newer snapshot was promoted)", s.key(), s.template(), s.snapshot());
            s.close();
            maker.remove(s.key(), s.dataset(), s.port());
            promoted.add(s.template());
        }
        promoted.forEach(maker::retention); // the old snapshot may go now that no spare depends on it
        Optional<String> current = maker.current(template);
        ConcurrentLinkedDeque<Spare> q = ready.computeIfAbsent(template, k -> new ConcurrentLinkedDeque<>());
        for (Spare s : List.copyOf(q)) {
            if (current.isEmpty() || !s.snapshot().equals(current.get()) || q.size() > target) {
                if (q.remove(s)) {
                    log.info("spares: removing spare {} of {}/{} ({})", s.key(), template, s.snapshot(),
                            current.isEmpty() || !s.snapshot().equals(current.get()) ? "not the current snapshot" : "more than clone.spares");
                    s.close();
                    maker.remove(s.key(), s.dataset(), s.port());
                }
            }
        }
        while (!closed && current.isPresent() && q.size() < target) {
            if (coldCreates.get() > 0) {
                return; // woken again when the last of them is done
            }
            long gen = generation.computeIfAbsent(template, k -> new java.util.concurrent.atomic.AtomicLong()).get();
            Optional<Spare> s = maker.make(t, current.get());
            if (s.isEmpty()) {
                return; // logged; the next wake or the periodic pass tries again
            }
            if (closed || generation.get(template).get() != gen) {
                s.get().close();
                maker.remove(s.get().key(), s.get().dataset(), s.get().port());
                return;
            }
            q.add(s.get());
        }
    }

    // ------------------------------------------------------------------ clean-up

    /**
     * Removes every spare under the root (datasets in state {@code spare} and their containers, and containers of spares
     * without a dataset): on start, whatever an earlier agent left, ready or mid-way. Returns what it removed.
     */
    public List<String> removeAll() {
        List<String> removed = new ArrayList<>();
        for (ConcurrentLinkedDeque<Spare> q : ready.values()) {
            for (Spare s; (s = q.poll()) != null; ) {
                s.close();
            }
        }
        for (Spare s; (s = stale.poll()) != null; ) {
            s.close();
        }
        for (ZfsEntry e : zfs.get(layout.clones(), true, List.of(Props.STATE, Props.PORT)).values()) {
            if (!e.isSnapshot() && Props.STATE_SPARE.equals(e.get(Props.STATE))) {
                maker.remove(e.leaf(), e.dataset(), 0);
                removed.add(e.leaf());
            }
        }
        for (ContainerInfo c : containers.list(Map.of(Layout.LABEL_ROOT, layout.root(), Layout.LABEL_KIND, Layout.KIND_CLONE))) {
            String label = c.labels().get(Layout.LABEL_CLONE);
            if (Layout.isSpareKey(label) && layout.cloneIdOfContainer(c.name()) == null) {
                containers.removeForce(c.id());
                removed.add(c.name());
            }
        }
        if (!removed.isEmpty()) {
            log.info("spares: removed {}", removed);
        }
        return removed;
    }

    /**
     * Stops the refill and lets go of the spares' connections. The spares themselves stay, as clones' containers do
     * when the agent stops: the next start removes them ({@link #removeAll}) and makes new ones.
     */
    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = refiller;
        }
        if (t != null) {
            // a spare being made is finished and removed again (interrupted, zfs and docker calls would leave it half-made)
            wake();
            try {
                t.join(config.readyTimeout().plusSeconds(15).toMillis());
                if (t.isAlive()) {
                    t.interrupt();
                    t.join(TimeUnit.SECONDS.toMillis(15));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        setters.shutdown();
        for (Spare s : spares()) {
            s.close();
        }
        stale.forEach(Spare::close);
    }

    /** The ready spares of one template, oldest first. */
    private record Deque(ConcurrentLinkedDeque<Spare> q) {
        /** A spare of {@code snapshot} (null: any; the refill keeps only the current snapshot's), or null. */
        Spare poll(String snapshot) {
            for (Spare s : q) {
                if ((snapshot == null || snapshot.equals(s.snapshot())) && q.remove(s)) {
                    return s;
                }
            }
            return null;
        }
    }
}
