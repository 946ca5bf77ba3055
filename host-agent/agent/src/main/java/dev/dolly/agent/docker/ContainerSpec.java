package dev.dolly.agent.docker;

import java.util.List;
import java.util.Map;

/**
 * A container to create. {@code binds} maps host paths to container paths ({@code :ro} suffix on
 * the container path for read-only); {@code hostPort} publishes container port 5432 on
 * {@code bindIp:hostPort} (ignored with host networking); {@code memoryBytes} 0 means no limit;
 * {@code init} runs docker's init (tini) as PID 1, which reaps orphans and forwards signals;
 * {@code shmBytes} sizes /dev/shm (PostgreSQL's dynamic shared memory; 0: docker's 64 MB).
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
        long shmBytes) {

    public ContainerSpec {
        cmd = List.copyOf(cmd);
        labels = Map.copyOf(labels);
        binds = Map.copyOf(binds);
    }

    /** Without docker's init process as PID 1. */
    public ContainerSpec(String name, String image, List<String> cmd, String user, Map<String, String> labels, Map<String, String> binds,
                         String bindIp, int hostPort, boolean hostNetwork, long memoryBytes) {
        this(name, image, cmd, user, labels, binds, bindIp, hostPort, hostNetwork, memoryBytes, false, 0);
    }
}
