package dev.dolly.agent.docker;

import java.util.List;
import java.util.Map;

/**
 * A container to create. {@code binds} maps host paths to container paths ({@code :ro} suffix on
 * the container path for read-only); {@code hostPort} publishes container port 5432 on
 * {@code bindIp:hostPort} (ignored with host networking); {@code memoryBytes} 0 means no limit;
 * {@code init} runs docker's init (tini) as PID 1, which reaps orphans and forwards signals;
 * {@code shmBytes} sizes /dev/shm (PostgreSQL's dynamic shared memory; 0: docker's 64 MB);
 * {@code confinement}: capabilities, privileges, limits, root filesystem and network (secure by
 * default: {@link Confinement#DEFAULT}).
 */
public record ContainerSpec(
        String name,
        String image,
        List<String> cmd,
        String user,
        Map<String, String> labels,
        Map<String, String> binds,
        String bindIp,
        int hostPort,
        boolean hostNetwork,
        long memoryBytes,
        boolean init,
        long shmBytes,
        Confinement confinement) {

    /**
     * What confines a container. Always: every capability dropped but {@code capAdd},
     * {@code no-new-privileges}. {@code cpus}: CPU quota in cores (0: none); {@code pids}: process
     * limit (0: none); {@code readOnlyRoot}: read-only root filesystem with small tmpfs on
     * {@code /tmp} and {@code /run/postgresql} (noexec, nosuid); {@code network}: the docker network
     * to join (null: docker's default bridge).
     */
    public record Confinement(double cpus, long pids, List<String> capAdd, boolean readOnlyRoot, String network) {
        public static final Confinement DEFAULT = new Confinement(0, 512, List.of(), true, null);

        public Confinement {
            capAdd = List.copyOf(capAdd);
        }

        public Confinement onNetwork(String n) {
            return new Confinement(cpus, pids, capAdd, readOnlyRoot, n);
        }
    }

    /** {@link Confinement#network()} {@code container:<id>}: join that container's network namespace (no ports of its own). */
    public static final String JOIN_PREFIX = "container:";

    public ContainerSpec {
        confinement = confinement == null ? Confinement.DEFAULT : confinement;
        cmd = List.copyOf(cmd);
        labels = Map.copyOf(labels);
        binds = Map.copyOf(binds);
    }

    /** This container in the network namespace of container {@code containerId} instead: no port or network of its own. */
    public ContainerSpec joining(String containerId) {
        return new ContainerSpec(name, image, cmd, user, labels, binds, bindIp, 0, false, memoryBytes, init, shmBytes,
                confinement.onNetwork(JOIN_PREFIX + containerId));
    }

    /** Without docker's init process as PID 1. */
    public ContainerSpec(String name, String image, List<String> cmd, String user, Map<String, String> labels, Map<String, String> binds,
                         String bindIp, int hostPort, boolean hostNetwork, long memoryBytes) {
        this(name, image, cmd, user, labels, binds, bindIp, hostPort, hostNetwork, memoryBytes, false, 0, Confinement.DEFAULT);
    }
}
