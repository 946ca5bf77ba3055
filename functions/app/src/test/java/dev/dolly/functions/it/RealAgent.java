package dev.dolly.functions.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real host agent for integration tests: the agent engineer's runnable jar started as a
 * subprocess, on its own dataset root {@code <pool>/it-<random>} and a slice of the functions'
 * clone port range (23000–23499), with a seed template {@code shop} of a few SQL statements.
 * {@link #close()} stops it and removes its containers (by their root label) and its datasets.
 */
public final class RealAgent implements AutoCloseable {
    public static final String SECRET = "functions-it-agent-secret-0123456789";
    public static final String POOL = System.getenv().getOrDefault("DOLLY_POOL", "dolly");
    public static final Path JAR = findJar();
    public static final String SEED_SQL = """
            CREATE TABLE customer(id bigint PRIMARY KEY, email text NOT NULL, name text NOT NULL);
            INSERT INTO customer SELECT g, 'customer' || g || '@example.com', 'Customer ' || g FROM generate_series(1, 500) g;
            CREATE TABLE orders(id bigint PRIMARY KEY, customer_id bigint REFERENCES customer(id), total numeric(10,2));
            INSERT INTO orders SELECT g, 1 + g % 500, g * 1.5 FROM generate_series(1, 2000) g;
            """;

    public final String root;
    public final int port;
    public final Path dir;
    private final Process process;

    private static Path findJar() {
        Path p = Path.of(System.getProperty("user.dir"));
        for (int i = 0; i < 4 && p != null; i++, p = p.getParent()) {
            Path jar = p.resolve("host-agent/agent/target/dolly-host-agent.jar");
            if (Files.isRegularFile(jar)) return jar;
        }
        return Path.of("host-agent/agent/target/dolly-host-agent.jar");
    }

    /** Starts an agent whose clones get ports {@code portFrom..portTo} (inside 23000–23499). */
    public RealAgent(int portFrom, int portTo) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException("the host agent jar is missing: " + JAR + " (build host-agent first: mvn -pl host-agent/agent -am package)");
        }
        byte[] r = new byte[4];
        new SecureRandom().nextBytes(r);
        root = POOL + "/it-" + HexFormat.of().formatHex(r);
        run("zfs", "create", "-p", root);
        dir = Files.createTempDirectory("dolly-functions-it");
        Path seed = Files.createDirectories(dir.resolve("seed"));
        Files.writeString(seed.resolve("V1__shop.sql"), SEED_SQL);
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("dolly.yaml");
        Files.writeString(config, """
                agent:
                  name: local
                  host: localhost
                  listen: 127.0.0.1:%d
                  pool: %s
                  ports: %d-%d
                  image: dolly/postgres:15
                  workDir: %s
                  buildMissingTemplates: false
                  buildMemory: 512m
                  activityInterval: 0s
                templates:
                  shop:
                    database: shop
                    seed: [ %s ]
                    retention: 2
                    clone: { ttl: 8h, maxTtl: 72h, idle: 4h, memory: 256m }
                """.formatted(port, root, portFrom, portTo, dir.resolve("work"), seed));
        Path log = Path.of(System.getProperty("java.io.tmpdir")).resolve("agent-" + root.replace('/', '-') + ".log");
        // a private copy: the agent's jar may be rebuilt while this agent runs
        Path jar = stableCopy(dir.resolve("dolly-host-agent.jar"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("DOLLY_AGENT_SECRET", SECRET);
        process = pb.start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            if (!process.isAlive()) {
                String tail = Files.readString(log);
                close();
                throw new IllegalStateException("the agent exited at start:\n" + tail.substring(Math.max(0, tail.length() - 3000)));
            }
            try {
                HttpResponse<String> h = http.send(HttpRequest.newBuilder(URI.create(url() + "/v1/health")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (h.statusCode() < 500) break;
            } catch (IOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("the agent did not answer /v1/health within 90 s; log: " + log);
            }
            Thread.sleep(200);
        }
    }

    /** Copies the agent jar, waiting out a rebuild in progress (a half-written jar has no main class yet). */
    private static Path stableCopy(Path to) throws Exception {
        for (int i = 0; ; i++) {
            Files.copy(JAR, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(to.toFile())) {
                if (z.getEntry("dev/dolly/agent/AgentMain.class") != null && z.getEntry("dev/dolly/agent/api/RequestSigning.class") != null) {
                    return to;
                }
            } catch (java.io.IOException e) {
                // truncated while being written
            }
            if (i >= 120) throw new IllegalStateException("the agent jar " + JAR + " stays incomplete");
            Thread.sleep(500);
        }
    }

    public String url() { return "http://127.0.0.1:" + port; }

    /** The {@code hosts:} section for this agent under {@code name} (the agent is named {@code local}: its requests are signed for that name). */
    public String hostsYaml(String name) {
        return "hosts:\n  - { name: " + name + ", url: \"" + url() + "\", secret: " + SECRET + " }\n";
    }

    /** Datasets under the root (the root itself excluded). */
    public List<String> datasets() throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : run("zfs", "list", "-H", "-o", "name", "-r", root).split("\n")) {
            if (!line.isBlank() && !line.equals(root)) out.add(line.trim());
        }
        return out;
    }

    /**
     * Datasets and snapshots of clone {@code id}: named for it, or saying it is theirs in {@code dolly:clone} (a clone
     * made from a warm spare keeps the spare's dataset name).
     */
    public List<String> cloneDatasets(String id) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : run("zfs", "list", "-H", "-t", "all", "-o", "name,dolly:clone", "-r", root).split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 2 && (f[0].endsWith("/" + id) || f[0].contains("/" + id + "@") || f[1].equals(id))) out.add(f[0]);
        }
        return out;
    }

    /** Containers labelled with this root. */
    public List<String> containers() throws Exception {
        String out = run("docker", "ps", "-aq", "--filter", "label=dolly.root=" + root);
        return out.isBlank() ? List.of() : List.of(out.trim().split("\\s+"));
    }

    static String run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            for (String c : containers()) run("docker", "rm", "-f", "-v", c);
        } catch (Exception e) {
            System.err.println("cleanup of containers of " + root + " failed: " + e.getMessage());
        }
        for (int i = 0; i < 40; i++) {
            try {
                run("zfs", "destroy", "-r", root);
                break;
            } catch (Exception e) {
                if (e.getMessage() != null && e.getMessage().contains("does not exist")) break;
                try {
                    Thread.sleep(250);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // best effort
        }
    }
}
