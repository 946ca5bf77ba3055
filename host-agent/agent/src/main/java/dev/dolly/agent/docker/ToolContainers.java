package dev.dolly.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.StreamType;
import dev.dolly.agent.Layout;
import dev.dolly.agent.process.ProcessFailedException;
import dev.dolly.agent.process.ProcessResult;
import dev.dolly.agent.process.ProcessRunner;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Source tools (pg_dump, pg_dumpall) of a given PostgreSQL major, each run in a short-lived
 * container of that major's clone image, so a 17 or 18 source needs no host packages from
 * another suite. The container is the agent's, not a tenant's: no binds, no published port,
 * docker's log driver off (nothing of the source reaches the host's disk), output streamed
 * over the attach connection into the agent's memory, removed when the tool ends. The libpq
 * environment (PGPASSWORD included) goes into the container's environment, never its argv.
 *
 * <p>Network: like build servers — the host's network with {@code agent.network: host}, else
 * docker's bridge; a source on the host's loopback is only reachable through the host's network,
 * so a loopback source gets it too.
 */
public final class ToolContainers {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long MEMORY = 512L << 20;
    private final Docker docker;
    private final Layout layout;
    private final boolean hostNetwork;

    public ToolContainers(Docker docker, Layout layout, boolean hostNetwork) {
        this.docker = docker;
        this.layout = layout;
        this.hostNetwork = hostNetwork;
    }

    /** A runner whose programs run in {@code image}, able to reach {@code sourceHost}. */
    public ProcessRunner runner(String image, String sourceHost) {
        boolean host = hostNetwork || isLoopback(sourceHost);
        return inv -> run(image, host, inv);
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    private ProcessResult run(String image, boolean hostNet, ProcessRunner.Invocation inv) {
        if (inv.stdin() != null) {
            throw new IllegalArgumentException("tool containers take no stdin");
        }
        DockerClient dc = docker.client();
        byte[] r = new byte[4];
        RANDOM.nextBytes(r);
        Map<String, String> labels = layout.labels(Layout.KIND_TOOL);
        List<String> env = new ArrayList<>();
        inv.env().forEach((k, v) -> env.add(k + "=" + v));
        HostConfig hc = HostConfig.newHostConfig()
                .withNetworkMode(hostNet ? "host" : "bridge")
                .withLogConfig(new LogConfig(LogConfig.LoggingType.NONE, Map.of()))
                .withMemory(MEMORY).withMemorySwap(MEMORY)
                .withInit(true);
        // confined as build containers are (all capabilities dropped, no-new-privileges, read-only root), fewer processes
        Containers.confine(hc, ContainerSpec.Confinement.DEFAULT);
        hc.withPidsLimit(64L);
        String id;
        try {
            id = dc.createContainerCmd(image)
                    .withName(layout.toolContainer(HexFormat.of().formatHex(r)))
                    .withCmd(inv.argv())
                    .withEnv(env)
                    .withUser("postgres")
                    .withLabels(labels)
                    .withHostConfig(hc)
                    .exec().getId();
        } catch (RuntimeException e) {
            throw new ProcessFailedException(inv.argv(), "cannot create a container of " + image + ": " + e.getMessage(), e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            ResultCallback.Adapter<Frame> attached = dc.attachContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
                    .exec(new ResultCallback.Adapter<>() {
                        @Override
                        public void onNext(Frame f) {
                            (f.getStreamType() == StreamType.STDERR ? err : out).writeBytes(f.getPayload());
                        }
                    });
            // attach, then start (docker answers an attach to a created container at once, so no output is missed)
            attached.awaitStarted(5, TimeUnit.SECONDS);
            dc.startContainerCmd(id).exec();
            if (!attached.awaitCompletion(inv.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ProcessFailedException(inv.argv(), -1, "timed out after " + inv.timeout().toSeconds() + " s in " + image);
            }
            int exit = dc.waitContainerCmd(id).exec(new com.github.dockerjava.api.command.WaitContainerResultCallback())
                    .awaitStatusCode(60, TimeUnit.SECONDS);
            String stderr = err.toString(StandardCharsets.UTF_8);
            if (exit != 0) {
                throw new ProcessFailedException(inv.argv(), exit, stderr);
            }
            return new ProcessResult(exit, out.toString(StandardCharsets.UTF_8), stderr);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessFailedException(inv.argv(), "interrupted", e);
        } catch (ProcessFailedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ProcessFailedException(inv.argv(), "in a container of " + image + ": " + e.getMessage(), e);
        } finally {
            try {
                dc.removeContainerCmd(id).withForce(true).exec();
            } catch (RuntimeException ignored) {
                // already gone; the reconciler removes leftovers
            }
        }
    }
}
