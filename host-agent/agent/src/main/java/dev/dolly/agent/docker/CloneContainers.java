package dev.dolly.agent.docker;

import dev.dolly.agent.Layout;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.config.CloneLimits;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The PostgreSQL container of a clone: what docker gets (image, the clone's dataset bound on
 * {@code /pgdata}, the published port, the {@code dolly.*} labels, memory and shared memory, the
 * supervised server command, its confinement: capabilities, pids, CPU, read-only root, the isolated network), and finding a clone's containers by their labels.
 */
public final class CloneContainers {
    private final AgentConfig config;
    private final Layout layout;
    private final Containers containers;

    public CloneContainers(AgentConfig config, Layout layout, Containers containers) {
        this.config = config;
        this.layout = layout;
        this.containers = containers;
    }

    /**
     * The container of clone {@code id} of {@code template}/{@code snapshot} (whose data is PostgreSQL
     * {@code major}'s), serving its data directory {@code dataDir} on {@code port}.
     */
    public ContainerSpec spec(String id, String template, String snapshot, int major, String owner, int port, String dataDir) {
        return spec(layout.cloneContainer(id), id, template, snapshot, major, owner, port, dataDir);
    }

    /**
     * The container of warm spare {@code key}: a clone's in every respect (image, confinement, network, published port)
     * but its name and its {@code dolly.clone} label, the spare's key, and no owner. A create that takes the spare renames
     * it {@link Layout#cloneContainer}; labels cannot change, so clones are found by name first.
     */
    public ContainerSpec spareSpec(String key, String template, String snapshot, int major, int port, String dataDir) {
        return spec(layout.spareContainer(key), key, template, snapshot, major, "", port, dataDir);
    }

    /** Port the twin's server listens on inside the clone container's network namespace (the clone's own listens on 5432). */
    public static final int TWIN_PORT = 5433;

    /**
     * The twin container of clone {@code id}: the clone container's image, confinement and limits, in the network
     * namespace of the clone's container {@code primaryContainerId} (no port of its own), its server on
     * {@link #TWIN_PORT}, serving the twin dataset mounted at {@code dataDir}.
     */
    public ContainerSpec twinSpec(String id, String template, String snapshot, int major, String owner, String primaryContainerId,
                                  String dataDir) {
        return spec(layout.twinContainer(id), Layout.KIND_TWIN, id, template, snapshot, major, owner, 0, TWIN_PORT, dataDir)
                .joining(primaryContainerId);
    }

    private ContainerSpec spec(String name, String id, String template, String snapshot, int major, String owner, int port, String dataDir) {
        return spec(name, Layout.KIND_CLONE, id, template, snapshot, major, owner, port,
                config.network() == AgentConfig.Network.HOST ? port : 5432, dataDir);
    }

    private ContainerSpec spec(String name, String kind, String id, String template, String snapshot, int major, String owner, int port,
                               int serverPort, String dataDir) {
        long memory = memoryFor(template);
        Map<String, String> labels = layout.labels(kind);
        labels.put(Layout.LABEL_CLONE, id);
        labels.put(Layout.LABEL_TEMPLATE, template);
        labels.put(Layout.LABEL_SNAPSHOT, snapshot);
        labels.put(Layout.LABEL_OWNER, owner);
        labels.put(Layout.LABEL_PORT, Integer.toString(port));
        labels.put(Layout.LABEL_SUPERVISED, "1");
        boolean hostNet = config.network() == AgentConfig.Network.HOST;
        Map<String, String> settings = new LinkedHashMap<>();
        if (memory > 0) {
            settings.put("shared_buffers", Math.max(16, Math.min(1024, memory / 4 >> 20)) + "MB");
        }
        return new ContainerSpec(name, config.imageFor(template, major),
                PostgresContainers.supervised(PostgresContainers.serverCommand("*", serverPort, settings)), "postgres", labels,
                Map.of(dataDir, "/pgdata"), config.bindAddress(), port, hostNet, memory, true, Math.max(64L << 20, memory / 4),
                confinement(config.template(template).map(t -> t.cloneDefaults().limits()).orElse(config.isolation().cloneDefaults())));
    }

    /** A clone's container confinement from its template's limits, on the isolated network. */
    ContainerSpec.Confinement confinement(CloneLimits l) {
        return new ContainerSpec.Confinement(l.cpus(), l.pids(), l.capAdd(), l.readOnlyRoot(), config.isolation().dockerNetwork());
    }

    private long memoryFor(String template) {
        return config.template(template).map(t -> t.cloneDefaults().memoryBytes()).orElse(config.defaultCloneMemoryBytes());
    }

    /** The clone's container: the one with its name (one inspect), else any labelled for it. */
    public Optional<ContainerInfo> find(String id) {
        return containers.lookup(layout.cloneContainer(id)).filter(x -> x.name().equals(layout.cloneContainer(id)))
                .or(() -> all(id).stream().findFirst());
    }

    /** Every container of clone {@code id} under this dataset root: named for it, or labelled for it. */
    public List<ContainerInfo> all(String id) {
        return containers.list(Map.of(Layout.LABEL_ROOT, layout.root(), Layout.LABEL_KIND, Layout.KIND_CLONE)).stream()
                .filter(x -> id.equals(cloneIdOf(x))).toList();
    }

    /** Every container labelled for spare {@code key} (named for the spare, or already renamed for a clone). */
    public List<ContainerInfo> ofSpare(String key) {
        return containers.list(Map.of(Layout.LABEL_ROOT, layout.root(), Layout.LABEL_CLONE, key));
    }

    /**
     * The clone a container serves: the id its name gives ({@link Layout#cloneContainer}; a clone made from a spare runs
     * the spare's container, renamed, still labelled for the spare), else its {@code dolly.clone} label.
     */
    public String cloneIdOf(ContainerInfo ci) {
        String byName = layout.cloneIdOfContainer(ci.name());
        return byName != null ? byName : ci.labels().get(Layout.LABEL_CLONE);
    }

    /** The twin container of clone {@code id}, if there is one. */
    public Optional<ContainerInfo> twin(String id) {
        return containers.lookup(layout.twinContainer(id)).filter(x -> x.name().equals(layout.twinContainer(id)));
    }

    /** Every clone container under this dataset root, by clone id (spares' containers are not clones'). */
    public Map<String, ContainerInfo> byClone() {
        Map<String, ContainerInfo> out = new HashMap<>();
        for (ContainerInfo ci : containers.list(Map.of(Layout.LABEL_ROOT, layout.root(), Layout.LABEL_KIND, Layout.KIND_CLONE))) {
            String id = cloneIdOf(ci);
            if (id != null && !Layout.isSpareKey(id)) {
                out.put(id, ci);
            }
        }
        return out;
    }
}
