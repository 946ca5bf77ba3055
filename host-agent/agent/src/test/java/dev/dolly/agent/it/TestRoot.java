package dev.dolly.agent.it;

import dev.dolly.agent.Layout;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.config.ConfigLoader;
import dev.dolly.agent.docker.ContainerInfo;
import dev.dolly.agent.docker.Containers;
import dev.dolly.agent.docker.Docker;
import dev.dolly.agent.process.LocalProcessRunner;
import dev.dolly.agent.process.ProcessFailedException;
import dev.dolly.agent.zfs.Zfs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * An integration test's own dataset root {@code dolly/it-<random>} and everything under it:
 * {@link #close()} removes every container labelled with the root and destroys the root.
 */
public final class TestRoot implements AutoCloseable {
    public static final String POOL = System.getenv().getOrDefault("DOLLY_POOL", "dolly");
    public static final byte[] SECRET = "integration-test-secret-0123456789".getBytes(StandardCharsets.UTF_8);
    public final String root;
    public final Path workDir;
    public final Zfs zfs = new Zfs(new LocalProcessRunner());
    public final Containers containers = new Containers(Docker.forHost("unix:///var/run/docker.sock"));

    public TestRoot() throws Exception {
        byte[] r = new byte[4];
        new SecureRandom().nextBytes(r);
        root = POOL + "/it-" + HexFormat.of().formatHex(r);
        zfs.create(root, Map.of());
        workDir = Files.createTempDirectory("dolly-agent-it");
    }

    /** An agent config for this root: clone ports {@code from..to}, no initial builds, listening on an ephemeral port. */
    public AgentConfig config(int portFrom, int portTo, String templatesYaml) {
        return config(portFrom, portTo, templatesYaml, "");
    }

    /**
     * As {@link #config(int, int, String)}, with more {@code agent:} keys (YAML lines, indented by two). Without an
     * {@code agent.clone} of the test's own, warm spares are off ({@code clone: { spares: 0 }}): a test of the cold
     * create path and its crash points sees only its own clones; the spares' tests turn them on.
     */
    public AgentConfig config(int portFrom, int portTo, String templatesYaml, String agentYaml) {
        if (!agentYaml.contains("clone:")) {
            agentYaml = agentYaml.stripTrailing() + (agentYaml.isBlank() ? "" : "\n") + "  clone: { spares: 0 }\n";
        }
        String yaml = """
                agent:%s
                  host: localhost
                  listen: 127.0.0.1:0
                  pool: %s
                  ports: %d-%d
                  image: dolly/postgres:15
                  workDir: %s
                  buildMissingTemplates: false
                  buildMemory: 1g
                  activityInterval: 0s
                templates:
                %s
                """.formatted(agentYaml.isEmpty() ? "" : "\n" + agentYaml.stripTrailing(), root, portFrom, portTo, workDir,
                templatesYaml.indent(2));
        return ConfigLoader.parse(yaml, workDir, Map.of()).withSecret(SECRET);
    }

    public List<ContainerInfo> containers() {
        return containers.list(Map.of(Layout.LABEL_ROOT, root));
    }

    /** Datasets and snapshots under the root (the root itself excluded). */
    public List<String> datasets() {
        return zfs.get(root, true, List.of("type")).keySet().stream().filter(n -> !n.equals(root)).toList();
    }

    @Override
    public void close() {
        for (ContainerInfo c : containers()) {
            containers.removeForce(c.id());
        }
        for (int i = 0; i < 40; i++) {
            try {
                new LocalProcessRunner().run(List.of("zfs", "destroy", "-r", root));
                break;
            } catch (ProcessFailedException e) {
                if (e.stderr().contains("does not exist")) {
                    break;
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        try (var s = Files.walk(workDir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // best effort
        }
    }
}
