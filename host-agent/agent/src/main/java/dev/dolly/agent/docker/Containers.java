package dev.dolly.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.api.model.AccessMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Containers in Dolly's vocabulary, over the one docker-java client. Every container Dolly makes carries labels. */
public class Containers {
    private static final Logger log = LoggerFactory.getLogger(Containers.class);
    public static final ExposedPort PG_PORT = ExposedPort.tcp(5432);
    private final Docker docker;

    public Containers(Docker docker) {
        this.docker = docker;
    }

    private DockerClient dc() {
        return docker.client();
    }

    /** Creates a container (not started) and returns its id. A container left with the same name is removed first. */
    public String create(ContainerSpec spec) {
        try {
            return doCreate(spec);
        } catch (ConflictException e) {
            log.info("container name {} is taken by a leftover container; removing it", spec.name());
            removeForce(spec.name());
            return doCreate(spec);
        }
    }

    private String doCreate(ContainerSpec spec) {
        List<Bind> binds = new ArrayList<>();
        spec.binds().forEach((host, container) -> {
            boolean ro = container.endsWith(":ro");
            String path = ro ? container.substring(0, container.length() - 3) : container;
            binds.add(new Bind(host, new Volume(path), ro ? AccessMode.ro : AccessMode.rw));
        });
        HostConfig hc = HostConfig.newHostConfig()
                .withBinds(binds)
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "10m", "max-file", "2")));
        if (spec.memoryBytes() > 0) {
            hc.withMemory(spec.memoryBytes()).withMemorySwap(spec.memoryBytes());
        }
        if (spec.init()) {
            hc.withInit(true);
        }
        if (spec.shmBytes() > 0) {
            hc.withShmSize(spec.shmBytes());
        }
        confine(hc, spec.confinement());
        CreateContainerCmd cmd = dc().createContainerCmd(spec.image())
                .withName(spec.name())
                .withCmd(spec.cmd())
                .withLabels(spec.labels())
                .withStopSignal("SIGINT");
        if (spec.user() != null) {
            cmd.withUser(spec.user());
        }
        String network = spec.confinement().network();
        if (spec.hostNetwork()) {
            hc.withNetworkMode("host");
        } else if (network != null && network.startsWith(ContainerSpec.JOIN_PREFIX)) {
            hc.withNetworkMode(network); // another container's namespace: its addresses, its published ports
        } else if (spec.hostPort() > 0) {
            hc.withPortBindings(new PortBinding(Ports.Binding.bindIpAndPort(spec.bindIp(), spec.hostPort()), PG_PORT));
            cmd.withExposedPorts(PG_PORT);
            if (spec.confinement().network() != null) {
                hc.withNetworkMode(ensureNetwork(spec.confinement().network()));
            }
        } else {
            hc.withNetworkMode("none");
        }
        cmd.withHostConfig(hc);
        return cmd.exec().getId();
    }

    /** Capabilities (all dropped but the given), no-new-privileges, pids and CPU limits, read-only root with tmpfs. */
    static void confine(HostConfig hc, ContainerSpec.Confinement c) {
        hc.withCapDrop(Capability.ALL);
        if (!c.capAdd().isEmpty()) {
            hc.withCapAdd(c.capAdd().stream().map(Capability::valueOf).toArray(Capability[]::new));
        }
        hc.withSecurityOpts(List.of("no-new-privileges:true"));
        if (c.pids() > 0) {
            hc.withPidsLimit(c.pids());
        }
        if (c.cpus() > 0) {
            hc.withNanoCPUs(Math.round(c.cpus() * 1e9));
        }
        if (c.readOnlyRoot()) {
            hc.withReadonlyRootfs(true);
            hc.withTmpFs(Map.of("/tmp", "rw,nosuid,nodev,noexec,size=64m,mode=1777",
                    "/run/postgresql", "rw,nosuid,nodev,noexec,size=1m,mode=1777"));
        }
    }

    private final java.util.Set<String> networks = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Makes sure the bridge network {@code name} exists with inter-container traffic off and its
     * bridge interface named {@code <name>0} (the host firewall rules of {@code ./dolly setup} and the
     * host bootstrap name it), and returns its name.
     */
    public String ensureNetwork(String name) {
        if (networks.contains(name)) {
            return name;
        }
        synchronized (networks) {
            if (dc().listNetworksCmd().withNameFilter(name).exec().stream().noneMatch(n -> name.equals(n.getName()))) {
                try {
                    dc().createNetworkCmd().withName(name).withDriver("bridge").withCheckDuplicate(true)
                            .withOptions(Map.of("com.docker.network.bridge.enable_icc", "false",
                                    "com.docker.network.bridge.name", name + "0"))
                            .withLabels(Map.of("dolly.network", "isolated"))
                            .exec();
                    log.info("created docker network {} (bridge {}0, inter-container traffic off)", name, name);
                } catch (ConflictException e) {
                    // made by another agent meanwhile
                }
            }
            networks.add(name);
            return name;
        }
    }

    /** True when the engine holds {@code image} (a clone image is built locally, never pulled). */
    public boolean imageExists(String image) {
        try {
            dc().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    public void start(String id) {
        try {
            dc().startContainerCmd(id).exec();
        } catch (NotModifiedException e) {
            // already running
        }
    }

    /** SIGKILL: for containers whose data is about to be thrown away (reset, destroy). */
    public void kill(String id) {
        try {
            dc().killContainerCmd(id).exec();
        } catch (NotFoundException | ConflictException e) {
            // gone or not running
        }
    }

    /** Sends a signal (e.g. {@code USR1}) to the container's PID 1. */
    public void signal(String id, String signal) {
        dc().killContainerCmd(id).withSignal(signal).exec();
    }

    /**
     * The container of that id or exact name, by one inspect (cheaper than a labelled list: a clone's container has a
     * known name), or empty.
     */
    public Optional<ContainerInfo> lookup(String idOrName) {
        try {
            InspectContainerResponse r = dc().inspectContainerCmd(idOrName).exec();
            String name = r.getName() == null ? r.getId() : r.getName().replaceFirst("^/", "");
            Map<String, String> labels = r.getConfig() == null || r.getConfig().getLabels() == null ? Map.of() : Map.copyOf(r.getConfig().getLabels());
            InspectContainerResponse.ContainerState s = r.getState();
            return Optional.of(new ContainerInfo(r.getId(), name, labels, s != null && Boolean.TRUE.equals(s.getRunning()),
                    s == null ? "unknown" : s.getStatus()));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** The host PID of the container's PID 1 while it runs, or -1. */
    public long hostPid(String id) {
        try {
            InspectContainerResponse.ContainerState s = dc().inspectContainerCmd(id).exec().getState();
            Long pid = s.getPidLong();
            return Boolean.TRUE.equals(s.getRunning()) && pid != null && pid > 0 ? pid : -1;
        } catch (NotFoundException e) {
            return -1;
        }
    }

    /** Clean stop: the image's STOPSIGNAL (SIGINT: PostgreSQL's fast shutdown), SIGKILL after the timeout. */
    public void stop(String id, Duration timeout) {
        try {
            dc().stopContainerCmd(id).withTimeout((int) Math.max(1, timeout.toSeconds())).exec();
        } catch (NotModifiedException | NotFoundException e) {
            // already stopped or gone
        }
    }

    /** Renames a container (running or not); its labels stay as they are. */
    public void rename(String id, String name) {
        dc().renameContainerCmd(id).withName(name).exec();
    }

    /** Removes a container, killing it if it runs. A missing container is fine. */
    public void removeForce(String idOrName) {
        try {
            dc().removeContainerCmd(idOrName).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (ConflictException e) {
            // removal already in progress
            log.debug("remove {}: {}", idOrName, e.getMessage());
        }
    }

    /** Containers (running or not) carrying all the given labels. */
    public List<ContainerInfo> list(Map<String, String> labels) {
        List<ContainerInfo> out = new ArrayList<>();
        for (Container c : dc().listContainersCmd().withShowAll(true).withLabelFilter(labels).exec()) {
            String name = c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].replaceFirst("^/", "");
            out.add(new ContainerInfo(c.getId(), name, c.getLabels() == null ? Map.of() : Map.copyOf(c.getLabels()),
                    "running".equals(c.getState()), c.getStatus()));
        }
        return out;
    }

    /** The container's address on its (first) docker network while it runs, or empty. */
    public Optional<String> ipAddress(String id) {
        try {
            InspectContainerResponse r = dc().inspectContainerCmd(id).exec();
            if (r.getNetworkSettings() == null || r.getNetworkSettings().getNetworks() == null) {
                return Optional.empty();
            }
            return r.getNetworkSettings().getNetworks().values().stream().map(n -> n.getIpAddress())
                    .filter(a -> a != null && !a.isBlank()).findFirst();
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    public Optional<ContainerState> inspect(String id) {
        try {
            InspectContainerResponse r = dc().inspectContainerCmd(id).exec();
            InspectContainerResponse.ContainerState s = r.getState();
            return Optional.of(new ContainerState(Boolean.TRUE.equals(s.getRunning()), s.getExitCodeLong(),
                    Boolean.TRUE.equals(s.getOOMKilled()), s.getStatus(), s.getError()));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** The last {@code lines} lines of the container's output (stdout and stderr), or a note why there are none. */
    public String logTail(String id, int lines) {
        StringBuilder b = new StringBuilder();
        try {
            dc().logContainerCmd(id).withStdOut(true).withStdErr(true).withTail(lines)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame f) {
                            b.append(new String(f.getPayload(), StandardCharsets.UTF_8));
                        }
                    })
                    .awaitCompletion(5, TimeUnit.SECONDS);
        } catch (NotFoundException e) {
            return "(container is gone)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            return "(cannot read the container log: " + e.getMessage() + ")";
        }
        return b.toString().strip();
    }

    /** The container's output (stdout and stderr) since {@code sinceEpochSeconds}, or a note why there is none. */
    public String logSince(String id, int sinceEpochSeconds) {
        StringBuilder b = new StringBuilder();
        try {
            dc().logContainerCmd(id).withStdOut(true).withStdErr(true).withSince(sinceEpochSeconds)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame f) {
                            b.append(new String(f.getPayload(), StandardCharsets.UTF_8));
                        }
                    })
                    .awaitCompletion(30, TimeUnit.SECONDS);
        } catch (NotFoundException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return b.toString();
    }

    /** Waits until the container exits and returns its exit code; throws on timeout. */
    public int awaitExit(String id, Duration timeout) {
        return dc().waitContainerCmd(id).exec(new WaitContainerResultCallback())
                .awaitStatusCode(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Memory the container uses now (cgroup usage), or -1 when unknown. */
    public long memoryUsage(String id) {
        CompletableFuture<Statistics> f = new CompletableFuture<>();
        try {
            dc().statsCmd(id).withNoStream(true).exec(new ResultCallback.Adapter<Statistics>() {
                @Override
                public void onNext(Statistics s) {
                    f.complete(s);
                }

                @Override
                public void onError(Throwable t) {
                    f.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    f.complete(null);
                }
            });
            Statistics s = f.get(10, TimeUnit.SECONDS);
            if (s == null || s.getMemoryStats() == null || s.getMemoryStats().getUsage() == null) {
                return -1;
            }
            long usage = s.getMemoryStats().getUsage();
            // like `docker stats`: usage minus the page cache the kernel can drop
            Map<String, Long> st = s.getMemoryStats().getStats() == null ? Map.of() : statsMap(s);
            long cache = st.getOrDefault("inactive_file", st.getOrDefault("total_inactive_file", 0L));
            return Math.max(0, usage - cache);
        } catch (Exception e) {
            return -1;
        }
    }

    private static Map<String, Long> statsMap(Statistics s) {
        Map<String, Long> m = new HashMap<>();
        var st = s.getMemoryStats().getStats();
        if (st.getInactiveFile() != null) {
            m.put("inactive_file", st.getInactiveFile());
        }
        if (st.getTotalInactiveFile() != null) {
            m.put("total_inactive_file", st.getTotalInactiveFile());
        }
        return m;
    }
}
