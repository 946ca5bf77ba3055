package dev.dolly.agent.template;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.Layout;
import dev.dolly.agent.Names;
import dev.dolly.agent.Props;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.api.SnapshotView;
import dev.dolly.agent.api.TemplateView;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.config.TemplateConfig;
import dev.dolly.agent.zfs.Zfs;
import dev.dolly.agent.zfs.ZfsEntry;
import dev.dolly.agent.zfs.ZfsException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Templates and their snapshots as the pool holds them: listing (with the clones depending on
 * each snapshot), the "current" pointer, and retention. Clone creation reads a template under
 * its read lock; retention and promotion take the write lock, so a snapshot is never destroyed
 * between being chosen and being cloned.
 */
public class TemplateCatalog {
    private static final Logger log = LoggerFactory.getLogger(TemplateCatalog.class);
    static final List<String> BUILD_PROPS = List.of("type", "creation", "referenced", "used",
            Props.STATE, Props.CURRENT, Props.CREATED, Props.DATABASE, Props.JOB, Props.POSTGRES, Props.KEYS);
    private final AgentConfig config;
    private final Layout layout;
    private final List<java.util.function.Consumer<String>> promotions = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Zfs zfs;
    private final Map<String, ReadWriteLock> locks = new ConcurrentHashMap<>();

    public TemplateCatalog(AgentConfig config, Layout layout, Zfs zfs) {
        this.config = config;
        this.layout = layout;
        this.zfs = zfs;
    }

    /** One build of a template: its dataset, whether {@code @ready} exists, size and dependants. */
    public record Build(String template, String id, String dataset, String state, boolean hasReadySnapshot,
                        Instant createdAt, long referencedBytes, String database, int major, boolean keyed) {
        public boolean ready() {
            return hasReadySnapshot && Props.STATE_READY.equals(state);
        }

        /** Ready, and made with a per-cluster agent key ({@link Props#KEYS}): clones may be made of it. */
        public boolean cloneable() {
            return ready() && keyed;
        }
    }

    public <T> T withRead(String template, Supplier<T> body) {
        ReadWriteLock l = lock(template);
        l.readLock().lock();
        try {
            return body.get();
        } finally {
            l.readLock().unlock();
        }
    }

    public <T> T withWrite(String template, Supplier<T> body) {
        ReadWriteLock l = lock(template);
        l.writeLock().lock();
        try {
            return body.get();
        } finally {
            l.writeLock().unlock();
        }
    }

    private ReadWriteLock lock(String template) {
        return locks.computeIfAbsent(template, t -> new ReentrantReadWriteLock());
    }

    /** All builds of a template (ready or not), newest first. */
    public List<Build> builds(String template) {
        Map<String, ZfsEntry> entries = zfs.get(layout.template(template), true, BUILD_PROPS);
        return builds(template, entries);
    }

    private List<Build> builds(String template, Map<String, ZfsEntry> entries) {
        String prefix = layout.template(template) + "/";
        List<Build> out = new ArrayList<>();
        for (ZfsEntry e : entries.values()) {
            if (e.isSnapshot() || !e.name().startsWith(prefix) || e.name().indexOf('/', prefix.length()) >= 0) {
                continue;
            }
            boolean ready = entries.containsKey(e.name() + "@" + Layout.READY);
            ZfsEntry snap = entries.get(e.name() + "@" + Layout.READY);
            Instant created = parseInstant(e.get(Props.CREATED), Instant.ofEpochSecond(e.getLong("creation", 0)));
            out.add(new Build(template, e.leaf(), e.name(), e.get(Props.STATE), ready, created,
                    snap != null ? snap.getLong("referenced", 0) : e.getLong("referenced", 0), e.get(Props.DATABASE),
                    Props.major(e.get(Props.POSTGRES)), Props.KEYS_CLUSTER.equals(e.get(Props.KEYS))));
        }
        out.sort(Comparator.comparing(Build::createdAt).thenComparing(Build::id).reversed());
        return out;
    }

    /** The build id clones of this template are made from by default. */
    public Optional<String> current(String template) {
        return zfs.get(layout.template(template), List.of(Props.CURRENT)).map(e -> e.get(Props.CURRENT));
    }

    /** A ready snapshot of a template, or UNKNOWN_SNAPSHOT. */
    public Build readyBuild(String template, String buildId) {
        Names.buildId(buildId);
        Build build = builds(template).stream().filter(b -> b.id().equals(buildId) && b.ready()).findFirst()
                .orElseThrow(() -> new AgentException(ErrorCode.UNKNOWN_SNAPSHOT,
                        "template '" + template + "' has no ready snapshot '" + buildId + "': list them with GET /v1/templates"));
        if (!build.cloneable()) {
            throw new AgentException(ErrorCode.UNKNOWN_SNAPSHOT, "snapshot '" + buildId + "' of template '" + template
                    + "' was made before per-cluster agent keys and is not cloned (its cluster carries the agent password every"
                    + " such cluster shared): refresh the template (POST /v1/templates/" + template + "/refresh) and clone the new snapshot");
        }
        return build;
    }

    /** Makes a ready build the template's current snapshot. */
    public void promote(String template, String buildId) {
        withWrite(template, () -> {
            zfs.set(layout.template(template), Props.CURRENT, buildId);
            return null;
        });
        for (java.util.function.Consumer<String> l : promotions) {
            l.accept(template);
        }
    }

    /** Told the template's name after a promotion (the warm spares of its old snapshot go). */
    public void onPromote(java.util.function.Consumer<String> listener) {
        promotions.add(listener);
    }

    /** Clone ids by the build they depend on ({@code template/build} → clones). */
    public Map<String, List<String>> dependants() {
        Map<String, List<String>> m = new HashMap<>();
        for (ZfsEntry e : zfs.get(layout.clones(), true, List.of("origin", Props.STATE, Props.CLONE)).values()) {
            String origin = e.get("origin");
            if (e.isSnapshot() || origin == null || !origin.startsWith(layout.templates() + "/") || Props.STATE_SPARE.equals(e.get(Props.STATE))
                    || e.dataset().indexOf('/', layout.clones().length() + 1) >= 0) {
                continue; // warm spares are no one's clones; a clone's twin (a child dataset) depends on its clone's build too
            }
            String id = e.get(Props.CLONE) == null || e.get(Props.CLONE).isBlank() ? e.leaf() : e.get(Props.CLONE);
            String rel = origin.substring(layout.templates().length() + 1);
            int at = rel.indexOf('@');
            if (at > 0) {
                m.computeIfAbsent(rel.substring(0, at), k -> new ArrayList<>()).add(id);
            }
        }
        m.values().forEach(l -> l.sort(null));
        return m;
    }

    /** Every template that is configured or has datasets, with its ready snapshots newest first. */
    public List<TemplateView> templates() {
        Map<String, ZfsEntry> all = zfs.get(layout.templates(), true, BUILD_PROPS);
        Set<String> names = new LinkedHashSet<>(new TreeMap<>(config.templates()).keySet());
        String prefix = layout.templates() + "/";
        for (ZfsEntry e : all.values()) {
            if (!e.isSnapshot() && e.name().startsWith(prefix) && e.name().indexOf('/', prefix.length()) < 0) {
                names.add(e.leaf());
            }
        }
        Map<String, List<String>> deps = dependants();
        List<TemplateView> out = new ArrayList<>();
        for (String t : names) {
            ZfsEntry parent = all.get(layout.template(t));
            String current = parent == null ? null : parent.get(Props.CURRENT);
            List<SnapshotView> snaps = new ArrayList<>();
            List<Build> builds = builds(t, all);
            String currentId = current;
            if (builds.stream().noneMatch(b -> b.id().equals(currentId) && b.cloneable())) {
                current = null; // a current snapshot made before per-cluster keys serves no clone: the template needs a refresh
            }
            Integer major = null;
            String database = config.template(t).map(TemplateConfig::database).orElse(null);
            for (Build b : builds) {
                if (!b.cloneable()) {
                    continue;
                }
                if (database == null) {
                    database = b.database();
                }
                if (b.id().equals(current)) {
                    major = b.major();
                }
                snaps.add(new SnapshotView(t, b.id(), b.createdAt(), b.referencedBytes(), b.id().equals(current),
                        List.copyOf(deps.getOrDefault(t + "/" + b.id(), List.of())), b.major()));
            }
            out.add(new TemplateView(t, database, current, snaps, major));
        }
        return out;
    }

    /**
     * Keeps the newest N ready snapshots of a template (N = its retention) and the current one;
     * older ones are destroyed once no clone depends on them. Returns the build ids removed.
     */
    public List<String> applyRetention(String template) {
        int keep = config.template(template).map(TemplateConfig::retention).orElse(config.defaultRetention());
        return withWrite(template, () -> {
            List<Build> ready = builds(template).stream().filter(Build::ready).toList();
            String current = current(template).orElse(null);
            Map<String, List<String>> deps = dependants();
            List<String> removed = new ArrayList<>();
            for (int i = keep; i < ready.size(); i++) {
                Build b = ready.get(i);
                if (b.id().equals(current) || !deps.getOrDefault(template + "/" + b.id(), List.of()).isEmpty()) {
                    continue;
                }
                try {
                    zfs.destroyRecursive(b.dataset());
                    removed.add(b.id());
                    log.info("retention: removed snapshot {}/{} (template keeps {})", template, b.id(), keep);
                } catch (ZfsException e) {
                    log.info("retention: kept snapshot {}/{}: {}", template, b.id(), e.getMessage());
                }
            }
            return removed;
        });
    }

    static Instant parseInstant(String s, Instant otherwise) {
        if (s == null || s.isBlank()) {
            return otherwise;
        }
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            return otherwise;
        }
    }
}
