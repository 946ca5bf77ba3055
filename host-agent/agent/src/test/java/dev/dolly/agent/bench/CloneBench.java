package dev.dolly.agent.bench;

import dev.dolly.agent.zfs.ZfsCommands;

import dev.dolly.agent.zfs.Zfs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dolly.agent.Agent;
import dev.dolly.agent.Layout;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.SnapshotView;
import dev.dolly.agent.api.TemplateView;
import dev.dolly.agent.api.client.AgentClient;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.config.ConfigLoader;
import dev.dolly.agent.docker.ContainerInfo;
import dev.dolly.agent.process.LocalProcessRunner;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * {@code ./dolly bench clones}: measures the clone lifecycle against what a user would otherwise
 * do, on the real pool and engine, with an agent of its own (dataset root {@code <pool>/bench-<random>},
 * clone ports 21400-21499), and removes everything it made.
 *
 * <p>For a ~100 MB and a ~1 GB seed template: {@code clone_ready} (create request → the returned
 * credentials open a connection), {@code reset}, {@code destroy}; on the same data in a clone,
 * {@code create_database_template} (CREATE DATABASE … TEMPLATE) and {@code dump_restore}
 * ({@code pg_dump -Fc | pg_restore}); then {@code idle_clone_disk_bytes} and {@code idle_clone_rss_bytes} over
 * 50 idle clones of the ~1 GB template without spares (and so without twins), and {@code twin_rss_bytes} and
 * {@code twin_disk_bytes} over 3 clones of the template with spares, their standby ready. A reset is measured once
 * the clone's standby is ready (a reset within the half second after a create or a reset goes in place instead). Writes
 * {@code {"results":[{"metric","size_bytes","n","p50_s","p95_s"}…]}} (byte metrics carry
 * {@code value}, {@code p50}, {@code p95} in bytes per clone instead) and prints a table.
 * {@code --postgres 17} runs it all on PostgreSQL 17 (templates say {@code postgres: 17}; the
 * dump_restore baseline runs 17's pg_dump | pg_restore with {@code docker exec} in a container of
 * its image, since the host's tools are 15's).
 */
public final class CloneBench {
    private record Size(String name, long bytes, int n, int nSlow) {}

    private final List<Map<String, Object>> results = new ArrayList<>();
    private final String pgBin = "/usr/lib/postgresql/15/bin";
    private final String network;
    /** The PostgreSQL major of the templates and clones ({@code --postgres}); 15 by default. */
    private final int major;
    /** For a major other than the host's 15: a container of that major's image running pg_dump | pg_restore (host network). */
    private String toolsContainer;

    CloneBench(String network, int major) {
        this.network = network;
        this.major = major;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of("target/bench/clones.json");
        int n = 20;
        int idle = 50;
        boolean quick = false;
        String network = "bridge";
        int major = 15;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--n" -> n = Integer.parseInt(args[++i]);
                case "--idle" -> idle = Integer.parseInt(args[++i]);
                case "--quick" -> quick = true;
                case "--network" -> network = args[++i];
                case "--postgres" -> major = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: CloneBench [--out file.json] [--n 20] [--idle 50] [--quick] [--network bridge|host] "
                            + "[--postgres 15|17|18]");
                    System.exit(2);
                }
            }
        }
        List<Size> sizes = quick
                ? List.of(new Size("100mb", 100L << 20, Math.min(n, 10), 1))
                : List.of(new Size("100mb", 100L << 20, n, 3), new Size("1gb", 1L << 30, n, 2));
        new CloneBench(network, major).run(sizes, quick ? Math.min(idle, 10) : idle, out);
    }

    void run(List<Size> sizes, int idleClones, Path out) throws Exception {
        String pool = System.getenv().getOrDefault("DOLLY_POOL", "dolly");
        byte[] r = new byte[3];
        new SecureRandom().nextBytes(r);
        String root = pool + "/bench-" + HexFormat.of().formatHex(r);
        Path work = Files.createTempDirectory("dolly-bench");
        StringBuilder templates = new StringBuilder();
        for (Size s : sizes) {
            Path seed = Files.createDirectories(work.resolve("seed-" + s.name()));
            Files.writeString(seed.resolve("01-data.sql"), seedSql(s.bytes()));
            templates.append("""
                      bench%s:
                        database: bench
                        seed: [ %s ]
                        retention: 1
                        postgres: %d
                        clone: { memory: 256m }
                      bench%scold:
                        database: bench
                        seed: [ %s ]
                        retention: 1
                        postgres: %d
                        clone: { memory: 256m, spares: 0 }
                    """.formatted(s.name(), seed, major, s.name(), seed, major));
        }
        byte[] secret = ("bench-secret-" + HexFormat.of().formatHex(r) + "-0123456789").getBytes(StandardCharsets.UTF_8);
        AgentConfig config = ConfigLoader.parse("""
                agent:
                  listen: 127.0.0.1:0
                  pool: %s
                  ports: 21400-21499
                  workDir: %s
                  buildMissingTemplates: false
                  buildMemory: 2g
                  activityInterval: 0s
                  network: %s
                templates:
                %s""".formatted(root, work, network, templates), work, Map.of()).withSecret(secret);
        log("bench: dataset root %s, %s, PostgreSQL %d", root, sizes.stream().map(Size::name).toList(), major);
        if (major != 15) {
            toolsContainer = "dolly-bench-tools-" + HexFormat.of().formatHex(r);
            new LocalProcessRunner().run(List.of("docker", "run", "-d", "--rm", "--network", "host", "--user", "postgres",
                    "--name", toolsContainer, config.imageFor(major), "sleep", "infinity"));
        }
        new LocalProcessRunner().run(List.of("zfs", "create", "-p", root));
        Agent agent = new Agent(config, Map.of(), Clock.systemUTC());
        try {
            agent.start();
            AgentClient api = new AgentClient(config.name(), URI.create("http://127.0.0.1:" + agent.httpPort()), secret, Clock.systemUTC());
            Map<String, Long> sizeOf = new LinkedHashMap<>();
            Map<String, String> buildOf = new LinkedHashMap<>();
            for (String t : sizes.stream().flatMap(s -> java.util.stream.Stream.of("bench" + s.name(), "bench" + s.name() + "cold")).toList()) {
                Size s = sizes.stream().filter(x -> t.startsWith("bench" + x.name())).findFirst().orElseThrow();
                long t0 = System.nanoTime();
                JobView j = api.refresh(t);
                while ("RUNNING".equals(j.state())) {
                    Thread.sleep(500);
                    j = api.job(j.id());
                }
                if (!"SUCCEEDED".equals(j.state())) {
                    throw new IllegalStateException("building template " + t + " failed: " + j.error());
                }
                TemplateView tv = api.templates().stream().filter(x -> x.name().equals(t)).findFirst().orElseThrow();
                SnapshotView snap = tv.snapshots().get(0);
                if (!t.endsWith("cold")) {
                    sizeOf.put(s.name(), snap.sizeBytes());
                    buildOf.put(s.name(), snap.id());
                }
                log("template %s built in %.1f s: snapshot %s, %s", t, (System.nanoTime() - t0) / 1e9, snap.id(), human(snap.sizeBytes()));
            }
            Spares spares = new Spares(agent, api);
            Floors floors = new Floors(agent, major);
            try {
                lifecycle(api, sizes, sizeOf, buildOf, floors, spares);
            } finally {
                floors.close();
            }
            for (Size s : sizes) {
                List<Double> burst = spares.burst("bench" + s.name(), 20);
                add("clone_ready_burst20", sizeOf.get(s.name()), burst);
                add("clone_ready_burst20_spares_off", sizeOf.get(s.name()), spares.burst("bench" + s.name() + "cold", 20));
                spares.cost("bench" + s.name(), sizeOf.get(s.name()), this::addBytes);
            }
            for (Size s : sizes) {
                alternatives(api, "bench" + s.name() + "cold", sizeOf.get(s.name()), s.nSlow());
            }
            Size largest = sizes.get(sizes.size() - 1);
            // the idle rows count the pool's growth per clone: on the template without spares, so a refill does not count
            idle(agent, api, "bench" + largest.name() + "cold", sizeOf.get(largest.name()), idleClones);
            spares.twinCost("bench" + largest.name(), sizeOf.get(largest.name()), 3, this::addBytes);
        } finally {
            agent.close();
            if (toolsContainer != null) {
                new ProcessBuilder("docker", "rm", "-f", toolsContainer).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            }
            cleanup(agent, root);
            deleteTree(work);
        }
        write(out);
        printTable();
        printRatios();
    }

    /** A cluster of ~{@code bytes} (one table + indexes); BEGIN…COMMIT so wal_level=minimal skips the WAL for the new tables. */
    static String seedSql(long bytes) {
        long rows = Math.max(1000, (bytes - (40L << 20)) / 280); // an empty cluster is ~40 MB
        return """
                BEGIN;
                CREATE TABLE item(id bigint PRIMARY KEY, sku text NOT NULL, name text NOT NULL, price numeric(10,2) NOT NULL,
                                  created timestamptz NOT NULL, payload text NOT NULL);
                INSERT INTO item
                SELECT g, 'SKU-' || g, md5(g::text), (g %% 100000) / 100.0, timestamptz '2026-01-01' + g * interval '1 second',
                       repeat(md5((g * 7)::text), 3)
                  FROM generate_series(1, %d) g;
                CREATE INDEX item_sku ON item(sku);
                COMMIT;
                """.formatted(rows);
    }

    /**
     * create → connect, reset → connect, destroy, for every size in turn, round after round (so
     * load from anything else on the machine hits all sizes alike). The first round warms caches
     * and is not counted.
     */
    private void lifecycle(AgentClient api, List<Size> sizes, Map<String, Long> sizeOf, Map<String, String> buildOf, Floors floors,
                           Spares spares) throws Exception {
        Map<String, List<Double>> cold = new LinkedHashMap<>();
        Map<String, List<Double>> dockerFloor = new LinkedHashMap<>();
        Map<String, List<Double>> hostFloor = new LinkedHashMap<>();
        floors.prepare();
        Map<String, List<Double>> ready = new LinkedHashMap<>();
        Map<String, List<Double>> reset = new LinkedHashMap<>();
        Map<String, List<Double>> destroy = new LinkedHashMap<>();
        int rounds = sizes.stream().mapToInt(Size::n).max().orElse(0) + 1;
        for (int i = 0; i < rounds; i++) {
            for (Size size : sizes) {
                if (i > size.n()) {
                    continue;
                }
                String template = "bench" + size.name();
                String id = "b" + i + "-" + size.name();
                double floorDocker = floors.dockerRunTrivial(template, buildOf.get(size.name()), i);
                double floorHost = floors.zfsClonePgStart(template, buildOf.get(size.name()), i);
                if (i > 0) {
                    dockerFloor.computeIfAbsent(size.name(), k -> new ArrayList<>()).add(floorDocker);
                    if (!Double.isNaN(floorHost)) {
                        hostFloor.computeIfAbsent(size.name(), k -> new ArrayList<>()).add(floorHost);
                    }
                }
                // spares off: the same template's copy without spares, the create path of before issue 19
                long t0 = System.nanoTime();
                CloneCredentials cc = api.create(new CreateCloneRequest(id + "-cold", template + "cold", null, "bench", null, false));
                try (Connection conn = connect(cc, cc.cloneView().database())) {
                    double s = (System.nanoTime() - t0) / 1e9;
                    if (i > 0) {
                        cold.computeIfAbsent(size.name(), k -> new ArrayList<>()).add(s);
                    }
                }
                api.destroy(id + "-cold");
                spares.awaitFull(template); // the pool refilled since the last create, as between a CI job's creates
                t0 = System.nanoTime();
                CloneCredentials c = api.create(new CreateCloneRequest(id, template, null, "bench", null, false));
                try (Connection conn = connect(c, c.cloneView().database())) {
                    double s = (System.nanoTime() - t0) / 1e9;
                    exec(conn, "INSERT INTO item VALUES (-1, 'x', 'x', 0, now(), 'x')");
                    if (i > 0) {
                        ready.computeIfAbsent(size.name(), k -> new ArrayList<>()).add(s);
                    }
                }
                // a clone is used a while before a reset: the refill and the standby (twin) its create started are done
                spares.awaitFull(template);
                spares.awaitStandby(id);
                t0 = System.nanoTime();
                api.reset(id, null);
                try (Connection conn = connect(c, c.cloneView().database())) {
                    double s = (System.nanoTime() - t0) / 1e9;
                    if (count(conn, "SELECT count(*) FROM item WHERE id = -1") != 0) {
                        throw new IllegalStateException("reset did not remove the write");
                    }
                    if (i > 0) {
                        reset.computeIfAbsent(size.name(), k -> new ArrayList<>()).add(s);
                    }
                }
                t0 = System.nanoTime();
                api.destroy(id);
                if (i > 0) {
                    destroy.computeIfAbsent(size.name(), k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e9);
                }
            }
        }
        for (Size size : sizes) {
            long bytes = sizeOf.get(size.name());
            add("docker_run_trivial", bytes, dockerFloor.getOrDefault(size.name(), List.of()));
            add("zfs_clone_pg_start", bytes, hostFloor.getOrDefault(size.name(), List.of()));
            add("clone_ready", bytes, ready.getOrDefault(size.name(), List.of()));
            add("clone_ready_spares_off", bytes, cold.getOrDefault(size.name(), List.of()));
            add("reset", bytes, reset.getOrDefault(size.name(), List.of()));
            add("destroy", bytes, destroy.getOrDefault(size.name(), List.of()));
            log("bench%s: clone_ready p50 %.3f s, reset p50 %.3f s, destroy p50 %.3f s", size.name(),
                    pct(ready.getOrDefault(size.name(), List.of()), 50), pct(reset.getOrDefault(size.name(), List.of()), 50),
                    pct(destroy.getOrDefault(size.name(), List.of()), 50));
        }
    }

    private void alternatives(AgentClient api, String template, long size, int n) throws Exception {
        CloneCredentials c = api.create(new CreateCloneRequest("work", template, null, "bench", null, false));
        List<Double> cdt = new ArrayList<>();
        List<Double> dr = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                try (Connection conn = connect(c, "postgres")) {
                    long t0 = System.nanoTime();
                    exec(conn, "CREATE DATABASE copy_" + i + " TEMPLATE bench");
                    cdt.add((System.nanoTime() - t0) / 1e9);
                    exec(conn, "DROP DATABASE copy_" + i);
                }
                try (Connection conn = connect(c, "postgres")) {
                    long t0 = System.nanoTime();
                    exec(conn, "CREATE DATABASE restored_" + i);
                    dumpRestore(c, "bench", "restored_" + i);
                    dr.add((System.nanoTime() - t0) / 1e9);
                    exec(conn, "DROP DATABASE restored_" + i);
                }
                log("%s: CREATE DATABASE … TEMPLATE %.1f s, pg_dump | pg_restore %.1f s", template, cdt.get(i), dr.get(i));
            }
        } finally {
            api.destroy("work");
        }
        add("create_database_template", size, cdt);
        add("dump_restore", size, dr);
    }

    private void dumpRestore(CloneCredentials c, String from, String to) throws Exception {
        Map<String, String> env = Map.of("PGHOST", "127.0.0.1", "PGPORT", "" + c.cloneView().port(), "PGUSER", c.cloneView().user(),
                "PGPASSWORD", c.password(), "PGSSLMODE", "disable");
        if (toolsContainer != null) {
            // the same pipe with the major's own tools, in its image; the password reaches docker through the environment
            List<String> argv = new ArrayList<>(List.of("docker", "exec"));
            env.keySet().forEach(k -> argv.addAll(List.of("-e", k)));
            argv.addAll(List.of(toolsContainer, "sh", "-c", "pg_dump -Fc -d \"$1\" | pg_restore --no-owner -d \"$2\" >/dev/null", "sh", from, to));
            ProcessBuilder pb = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().putAll(env);
            Process p = pb.start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("pg_dump | pg_restore in " + toolsContainer + " exited " + p.exitValue());
            }
            return;
        }
        ProcessBuilder dump = new ProcessBuilder(pgBin + "/pg_dump", "-Fc", "-d", from).redirectError(ProcessBuilder.Redirect.INHERIT);
        ProcessBuilder restore = new ProcessBuilder(pgBin + "/pg_restore", "--no-owner", "-d", to)
                .redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        dump.environment().putAll(env);
        restore.environment().putAll(env);
        List<Process> ps = ProcessBuilder.startPipeline(List.of(dump, restore));
        for (Process p : ps) {
            if (p.waitFor() != 0) {
                throw new IllegalStateException(p.info().command().orElse("pg_dump/pg_restore") + " exited " + p.exitValue());
            }
        }
    }

    private void idle(Agent agent, AgentClient api, String template, long size, int count) throws Exception {
        agent.clones().awaitDestroys(Duration.ofSeconds(60)); // destroys answered earlier still give their space back
        long before = agent.zfs().space(agent.layout().root()).usedBytes();
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                String id = "idle" + i;
                api.create(new CreateCloneRequest(id, template, null, "bench", null, false));
                ids.add(id);
            }
            Thread.sleep(5000); // let them settle: startup done, nothing running
            long after = agent.zfs().space(agent.layout().root()).usedBytes();
            List<Double> rss = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Double> disk = new ArrayList<>();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(10);
            try {
                List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
                for (ContainerInfo ci : agent.containers().list(Map.of(Layout.LABEL_ROOT, agent.layout().root(), Layout.LABEL_KIND, Layout.KIND_CLONE))) {
                    if (agent.layout().cloneIdOfContainer(ci.name()) == null) {
                        continue; // a warm spare of another template: its own rows
                    }
                    fs.add(pool.submit(() -> {
                        long m = agent.containers().memoryUsage(ci.id()); // docker stats: cgroup usage less inactive page cache
                        if (m >= 0) {
                            rss.add((double) m);
                        }
                    }));
                }
                for (var f : fs) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            for (var c : agent.clones().records()) {
                disk.add((double) c.usedBytes());
            }
            double diskPerClone = (after - before) / (double) count;
            addBytes("idle_clone_disk_bytes", size, count, diskPerClone, disk);
            addBytes("idle_clone_rss_bytes", size, rss.size(), rss.stream().mapToDouble(d -> d).average().orElse(-1), rss);
            log("%d idle clones of %s: %s extra disk and %s memory per clone", count, template, human((long) diskPerClone),
                    human((long) rss.stream().mapToDouble(d -> d).average().orElse(-1)));
        } finally {
            for (String id : ids) {
                try {
                    api.destroy(id);
                } catch (RuntimeException e) {
                    log("destroy %s: %s", id, e.getMessage());
                }
            }
        }
    }

    private static Connection connect(CloneCredentials c, String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", c.cloneView().user());
        p.setProperty("password", c.password());
        p.setProperty("sslmode", "disable");
        p.setProperty("gssEncMode", "disable");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + c.cloneView().port() + "/" + database, p);
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void add(String metric, long size, List<Double> seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metric", metric);
        m.put("size_bytes", size);
        m.put("n", seconds.size());
        m.put("p50_s", round(pct(seconds, 50)));
        m.put("p95_s", round(pct(seconds, 95)));
        results.add(m);
    }

    void addBytes(String metric, long size, int n, double value, List<Double> perClone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metric", metric);
        m.put("size_bytes", size);
        m.put("n", n);
        m.put("p50_s", null);
        m.put("p95_s", null);
        m.put("value", Math.round(value));
        m.put("p50", Math.round(pct(perClone, 50)));
        m.put("p95", Math.round(pct(perClone, 95)));
        m.put("unit", "bytes per clone");
        results.add(m);
    }

    /** Nearest-rank percentile. */
    static double pct(List<Double> xs, int p) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int rank = (int) Math.ceil(p / 100.0 * s.size());
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }

    private static Double round(double d) {
        return Double.isNaN(d) ? null : Math.round(d * 1000) / 1000.0;
    }

    private void write(Path out) throws IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), Map.of("results", results));
        log("wrote %s", out);
    }

    /** The issue-19 targets as ratios to the floor measured in the same run (p50 over docker_run_trivial's p50). */
    private void printRatios() {
        Map<Long, Map<String, Map<String, Object>>> bySize = new LinkedHashMap<>();
        for (Map<String, Object> m : results) {
            bySize.computeIfAbsent((Long) m.get("size_bytes"), k -> new LinkedHashMap<>()).put((String) m.get("metric"), m);
        }
        bySize.forEach((size, rows) -> {
            Double floor = rows.containsKey("docker_run_trivial") ? (Double) rows.get("docker_run_trivial").get("p50_s") : null;
            if (floor == null || floor <= 0) {
                return;
            }
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s, p50 / docker_run_trivial p50 (%.3fs):", human(size), floor));
            for (String k : List.of("clone_ready", "clone_ready_spares_off", "clone_ready_burst20", "clone_ready_burst20_spares_off", "reset", "destroy", "zfs_clone_pg_start")) {
                Object p50 = rows.containsKey(k) ? rows.get(k).get("p50_s") : null;
                if (p50 instanceof Double d) {
                    b.append(String.format(Locale.ROOT, " %s %.2f×", k, d / floor));
                }
            }
            Object p50 = rows.containsKey("clone_ready") ? rows.get("clone_ready").get("p50_s") : null;
            Object p95 = rows.containsKey("clone_ready") ? rows.get("clone_ready").get("p95_s") : null;
            if (p50 instanceof Double a && p95 instanceof Double c && a > 0) {
                b.append(String.format(Locale.ROOT, "; clone_ready p95/p50 %.2f", c / a));
            }
            System.out.println(b);
        });
    }

    private void printTable() {
        System.out.printf("%n%-26s %10s %4s %9s %9s%n", "metric", "size", "n", "p50", "p95");
        for (Map<String, Object> m : results) {
            String size = human((Long) m.get("size_bytes"));
            if (m.containsKey("value")) {
                System.out.printf("%-26s %10s %4s %9s %9s   (mean %s per clone)%n", m.get("metric"), size, m.get("n"),
                        human((Long) m.get("p50")), human((Long) m.get("p95")), human((Long) m.get("value")));
            } else {
                System.out.printf("%-26s %10s %4s %9s %9s%n", m.get("metric"), size, m.get("n"), seconds(m.get("p50_s")), seconds(m.get("p95_s")));
            }
        }
    }

    /** "0.123s", or "n/a" for a row without samples. */
    static String seconds(Object s) {
        return s instanceof Double d ? String.format(Locale.ROOT, "%.3fs", d) : "n/a";
    }

    static String human(long b) {
        if (b < 0) {
            return "?";
        }
        if (b < 1 << 20) {
            return String.format(Locale.ROOT, "%.0f KiB", b / 1024.0);
        }
        if (b < 1L << 30) {
            return String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0);
        }
        return String.format(Locale.ROOT, "%.2f GiB", b / 1073741824.0);
    }

    private static void cleanup(Agent agent, String root) {
        try {
            for (ContainerInfo c : agent.containers().list(Map.of(Layout.LABEL_ROOT, root))) {
                agent.containers().removeForce(c.id());
            }
        } catch (RuntimeException e) {
            log("cleanup: %s", e.getMessage());
        }
        try {
            new Zfs(new LocalProcessRunner(), new ZfsCommands(), Duration.ofSeconds(10)).destroyRecursive(root);
            return;
        } catch (RuntimeException e) {
            log("cleanup: %s", e.getMessage());
        }
        log("cleanup: could not destroy %s; remove it with: zfs destroy -r %s", root, root);
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static void log(String fmt, Object... args) {
        System.out.println("bench: " + String.format(Locale.ROOT, fmt, args));
        System.out.flush();
    }
}
