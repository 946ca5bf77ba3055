package dev.dolly.agent.refresh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dolly.agent.Agent;
import dev.dolly.agent.Layout;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.config.ConfigLoader;
import dev.dolly.agent.docker.Containers;
import dev.dolly.agent.docker.Docker;
import dev.dolly.agent.docker.PostgresContainers;
import dev.dolly.agent.metrics.Metrics;
import dev.dolly.agent.process.LocalProcessRunner;
import dev.dolly.agent.process.ProcessFailedException;
import dev.dolly.agent.process.ProcessRunner;
import dev.dolly.agent.template.TemplateBuilds;
import dev.dolly.agent.template.TemplateCatalog;
import dev.dolly.agent.zfs.Zfs;
import dev.dolly.agent.zfs.ZfsCommands;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ./dolly bench refresh}: a live-source refresh against what a user would otherwise do,
 * on one ~1 GB source, in one run.
 *
 * <ul>
 * <li>{@code masked_refresh}: a refresh job (guard, new dataset, initdb, build server container,
 *     pre-data, masked data, post-data, ANALYZE, checkpoint, clean shutdown, snapshot, promote)
 *     with five masked columns across two tables, through the agent's own job runner and build path;</li>
 * <li>{@code refresh_no_rules}: the same without rules (and without the gate);</li>
 * <li>{@code pg_dump_restore_baseline}: {@code pg_dump -Fd -j 2} then the schema through {@code psql} (without
 *     Debian 17's {@code pg_attver} column options, which 18 refuses) and {@code pg_restore -j 2} of data and post-data into a
 *     fresh cluster (initdb'd and started beforehand, untimed, default durable settings) on a
 *     dataset of the same pool;</li>
 * <li>{@code pg_dump_restore_local_disk}: the same into a fresh cluster on the host's own disk.</li>
 * </ul>
 * Runs are interleaved. Dataset root {@code <pool>/bench-refresh-<random>}, removed at the end.
 */
public final class RefreshBench {
    private static final String BIN = PgServer.BIN;
    private static final ProcessRunner RUN = new LocalProcessRunner();
    private static final String POOL = System.getenv().getOrDefault("DOLLY_POOL", "dolly");
    private static final java.util.regex.Pattern PG_ATTVER =
            java.util.regex.Pattern.compile("(?m)^ALTER TABLE ONLY \\S+ ALTER COLUMN \\S+ SET \\(pg_attver=[0-9]+\\);\n");

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int runs = Integer.parseInt(a.getOrDefault("runs", "3"));
        long customers = Long.parseLong(a.getOrDefault("customers", "2000000"));
        long orders = Long.parseLong(a.getOrDefault("orders", "3600000"));
        boolean local = Boolean.parseBoolean(a.getOrDefault("local", "true"));
        Path out = Path.of(a.getOrDefault("out", "target/bench/refresh.json"));
        int sourceMajor = Integer.parseInt(a.getOrDefault("source-postgres", "15"));
        int targetMajor = Integer.parseInt(a.getOrDefault("postgres", Integer.toString(sourceMajor)));
        new RefreshBench(sourceMajor, targetMajor).run(runs, customers, orders, local, out);
        System.exit(0);
    }

    /** The source's major ({@code --source-postgres}) and the template's ({@code --postgres}); 15 runs on host packages. */
    private final int sourceMajor;
    private final int targetMajor;
    /** For a target major other than 15: the container (of its image) the baseline's initdb, pg_ctl, pg_dump, pg_restore run in. */
    private volatile String toolsContainer;

    RefreshBench(int sourceMajor, int targetMajor) {
        this.sourceMajor = sourceMajor;
        this.targetMajor = targetMajor;
    }

    /** The bench source: a host PostgreSQL 15 ({@link PgServer}) or a container of another major's image. */
    interface Source extends AutoCloseable {
        int port();

        void exec(String db, String sql) throws Exception;

        String queryOne(String db, String sql) throws Exception;

        String systemIdentifier() throws Exception;

        @Override
        void close();
    }

    private Source startSource() throws Exception {
        if (sourceMajor == 15) {
            PgServer s = PgServer.start("bench-src", false);
            return new Source() {
                public int port() { return s.port; }
                public void exec(String db, String sql) throws Exception { s.exec(db, sql); }
                public String queryOne(String db, String sql) throws Exception { return s.queryOne(db, sql); }
                public String systemIdentifier() throws Exception { return s.systemIdentifier(); }
                public void close() { s.close(); }
            };
        }
        dev.dolly.agent.it.SourceContainer s = dev.dolly.agent.it.SourceContainer.start(
                new Containers(Docker.forHost("unix:///var/run/docker.sock")), new Layout(benchRoot), sourceMajor);
        return new Source() {
            public int port() { return s.port; }
            public void exec(String db, String sql) throws Exception { s.exec(db, sql); }
            public String queryOne(String db, String sql) throws Exception { return s.queryOne(db, sql); }
            public String systemIdentifier() throws Exception { return s.systemIdentifier(); }
            public void close() { s.close(); }
        };
    }

    /** Runs a PostgreSQL program of the target major: the host's 15 binaries, or {@code docker exec} in the tools container. */
    private void tool(boolean asPostgres, Duration timeout, String... argv) {
        List<String> a = new ArrayList<>();
        if (toolsContainer == null) {
            if (asPostgres) {
                a.addAll(List.of("runuser", "-u", "postgres", "--"));
            }
            a.add(BIN + "/" + argv[0]);
        } else {
            a.addAll(List.of("docker", "exec", "-u", asPostgres ? "postgres" : "0", toolsContainer, argv[0]));
        }
        a.addAll(List.of(argv).subList(1, argv.length));
        RUN.run(new ProcessRunner.Invocation(a, Map.of(), null, timeout));
    }

    /** For a target major other than 15: a container of its image on the host network, with {@code dirs} bound at the same paths. */
    private void startTools(Path... dirs) {
        if (targetMajor == 15) {
            return;
        }
        toolsContainer = "dolly-bench-refresh-tools-" + hex(3);
        List<String> a = new ArrayList<>(List.of("docker", "run", "-d", "--rm", "--network", "host", "--name", toolsContainer));
        for (Path d : dirs) {
            a.addAll(List.of("-v", d + ":" + d));
        }
        a.addAll(List.of("dolly/postgres:" + targetMajor, "sleep", "infinity"));
        RUN.run(a);
    }

    private void stopTools() {
        String t = toolsContainer;
        toolsContainer = null;
        if (t != null) {
            try {
                RUN.run(List.of("docker", "rm", "-f", t));
            } catch (RuntimeException ignored) {
                // gone
            }
        }
    }

    /** What an interrupted run (Ctrl-C, SIGTERM) must still remove: the source, a baseline cluster, the dataset root, files. */
    private final java.util.concurrent.atomic.AtomicBoolean cleaned = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Source sourceServer;
    private volatile Path baselineData;
    private volatile String benchRoot;
    private volatile Path benchWork;

    private void cleanup() {
        if (!cleaned.compareAndSet(false, true)) {
            return;
        }
        Path b = baselineData;
        if (b != null) {
            try {
                tool(true, Duration.ofMinutes(2), "pg_ctl", "-D", b.toString(), "-m", "immediate", "-w", "stop");
            } catch (RuntimeException ignored) {
                // not running
            }
        }
        stopTools();
        if (sourceServer != null) {
            sourceServer.close();
        }
        if (benchRoot != null) {
            destroy(benchRoot);
        }
        if (benchWork != null) {
            deleteTree(benchWork);
        }
    }

    private void run(int runs, long customers, long orders, boolean local, Path out) throws Exception {
        String root = POOL + "/bench-refresh-" + hex(3);
        Path work = Files.createDirectories(Path.of("target", "bench-refresh").toAbsolutePath());
        benchRoot = root;
        benchWork = work;
        Runtime.getRuntime().addShutdownHook(new Thread(this::cleanup, "bench-cleanup"));
        Zfs zfs = new Zfs(RUN, new ZfsCommands("zfs"), Duration.ofSeconds(15));
        Map<String, List<Double>> times = new LinkedHashMap<>();
        Map<String, List<Map<String, Object>>> phases = new LinkedHashMap<>();
        long size;
        try (Source source = startSource()) {
            sourceServer = source;
            System.err.printf(Locale.ROOT, "▸ loading the source: %,d customers, %,d orders%n", customers, orders);
            long t0 = System.nanoTime();
            source.exec("postgres", "CREATE DATABASE shop");
            String sql = new String(RefreshBench.class.getResourceAsStream("/refresh/bench-source.sql").readAllBytes(), StandardCharsets.UTF_8)
                    .replace("{CUSTOMERS}", Long.toString(customers)).replace("{ORDERS}", Long.toString(orders));
            source.exec("shop", sql);
            source.exec("shop", "VACUUM ANALYZE");
            System.err.printf(Locale.ROOT, "  source PostgreSQL %d, template PostgreSQL %d%n", sourceMajor, targetMajor);
            source.exec("shop", "CHECKPOINT");
            size = Long.parseLong(source.queryOne("shop", "SELECT pg_database_size('shop')"));
            System.err.printf(Locale.ROOT, "  source ready: %.2f GB in %.0f s%n", size / 1e9, (System.nanoTime() - t0) / 1e9);

            zfs.create(root, Map.of());
            AgentConfig config = ConfigLoader.parse(agentYaml(root, work, source, targetMajor), work, Map.of())
                    .withSecret("refresh-bench-secret-0123456789".getBytes(StandardCharsets.UTF_8));
            Map<String, String> env = Map.of("BENCH_SALT", "refresh-bench-salt");
            Populators populators = Agent.populators(config, RUN, env);
            Layout layout = new Layout(config.pool());
            Zfs agentZfs = new Zfs(RUN, new ZfsCommands(config.zfsBinary()), Duration.ofSeconds(15));
            PostgresContainers pg = new PostgresContainers(new Containers(Docker.forHost(config.dockerHost())));
            TemplateCatalog catalog = new TemplateCatalog(config, layout, agentZfs);
            TemplateBuilds builds = new TemplateBuilds(config, layout, agentZfs, pg, catalog,
                    new dev.dolly.agent.pg.ClusterKeys(config.secret(), ds -> agentZfs.get(ds, java.util.List.of("guid")).orElseThrow().get("guid")),
                    Clock.systemUTC());
            RefreshJobs jobs = new RefreshJobs(config, builds, populators, Clock.systemUTC(), new Metrics());
            try {
                for (int i = 1; i <= runs; i++) {
                    System.err.printf(Locale.ROOT, "▸ run %d of %d%n", i, runs);
                    // alternate which goes first, so neither always gets the warmer caches
                    for (String t : i % 2 == 1 ? List.of("masked", "norules") : List.of("norules", "masked")) {
                        long cpu0 = cpuNanos();
                        JobView j = jobs.start(t, null);
                        j = jobs.await(j.id(), Duration.ofMinutes(30));
                        if (!"SUCCEEDED".equals(j.state())) {
                            throw new IllegalStateException("refresh of " + t + " ended " + j.state() + ": " + j.error());
                        }
                        double s = Duration.between(j.startedAt(), j.finishedAt()).toNanos() / 1e9;
                        String metric = t.equals("masked") ? "masked_refresh" : "refresh_no_rules";
                        times.computeIfAbsent(metric, k -> new ArrayList<>()).add(s);
                        double cpu = (cpuNanos() - cpu0) / 1e9;
                        @SuppressWarnings("unchecked")
                        Map<String, Object> ph = new LinkedHashMap<>((Map<String, Object>) j.result().get("phaseSeconds"));
                        ph.put("agent_cpu", Math.round(cpu * 100) / 100.0);
                        phases.computeIfAbsent(metric, k -> new ArrayList<>()).add(ph);
                        System.err.printf(Locale.ROOT, "  %-28s %7.1f s   phases %s%n", metric, s, ph);
                        System.err.printf(Locale.ROOT, "  %-28s tables %s slow post-data steps %s%n", "", j.result().get("tableSeconds"),
                                j.result().get("slowPostDataSteps"));
                        // free the pool for the next measurement
                        destroy(root + "/templates/" + t);
                    }
                    double b = baseline(source, root + "/baseline-" + i, zfs, work.resolve("dump-" + i), false);
                    times.computeIfAbsent("pg_dump_restore_baseline", k -> new ArrayList<>()).add(b);
                    System.err.printf(Locale.ROOT, "  %-28s %7.1f s%n", "pg_dump_restore_baseline", b);
                    if (local) {
                        double l = baseline(source, null, zfs, work.resolve("dump-local-" + i), true);
                        times.computeIfAbsent("pg_dump_restore_local_disk", k -> new ArrayList<>()).add(l);
                        System.err.printf(Locale.ROOT, "  %-28s %7.1f s%n", "pg_dump_restore_local_disk", l);
                    }
                }
            } finally {
                jobs.close();
            }
        } finally {
            cleanup();
        }
        report(times, phases, size, out);
    }

    private static String agentYaml(String root, Path work, Source source, int major) throws Exception {
        String src = "{ host: 127.0.0.1, port: %d, database: shop, user: postgres, sslmode: disable, systemIdentifier: \"%s\" }"
                .formatted(source.port(), source.systemIdentifier());
        return """
                agent:
                  pool: %s
                  ports: 22480-22499
                  image: dolly/postgres:15
                  workDir: %s
                  buildMissingTemplates: false
                  buildMemory: 2g
                  activityInterval: 0s
                  clone: { spares: 0 }   # no warm spares made after each promotion, beside the next refresh being timed
                templates:
                  masked:
                    database: shop
                    retention: 1
                    postgres: %d
                    source: %s
                    masking:
                      saltEnv: BENCH_SALT
                      tables:
                        public.customers: { email: email, full_name: name, phone: phone, address: address, city: keep, notes: keep }
                        public.orders: { shipping_address: address }
                    refresh: { workers: 2 }
                  norules:
                    database: shop
                    retention: 1
                    postgres: %d
                    source: %s
                    masking: { gate: false }
                    refresh: { workers: 2 }
                """.formatted(root, work.resolve("agent"), major, src, major, src);
    }

    /** pg_dump -Fd -j 2, then pg_restore -j 2 into a fresh cluster (prepared untimed). Returns seconds. */
    private double baseline(Source source, String dataset, Zfs zfs, Path dumpDir, boolean localDisk) throws Exception {
        Path dataDir;
        Path clusterDir;
        if (localDisk) {
            clusterDir = Files.createDirectories(dumpDir.resolveSibling(dumpDir.getFileName() + "-cluster"));
        } else {
            zfs.create(dataset, Map.of());
            clusterDir = Path.of("/" + dataset);
        }
        // the image's postgres is uid 999; the host's may differ
        RUN.run(List.of("chown", targetMajor == 15 ? "postgres:postgres" : "999:999", clusterDir.toString()));
        dataDir = clusterDir.resolve("data");
        baselineData = dataDir;
        int port = freePort();
        try {
            startTools(clusterDir, dumpDir.getParent());   // untimed, like initdb
            tool(true, Duration.ofMinutes(5), "initdb", "-D", dataDir.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                    "--locale=C.UTF-8");
            Files.writeString(dataDir.resolve("postgresql.conf"), "\nport = " + port + "\nlisten_addresses = '127.0.0.1'\n"
                    + "unix_socket_directories = '" + clusterDir + "'\n", java.nio.file.StandardOpenOption.APPEND);
            tool(true, Duration.ofMinutes(2), "pg_ctl", "-D", dataDir.toString(), "-l", clusterDir.resolve("log").toString(), "-w", "start");
            tool(false, Duration.ofMinutes(2), "createdb", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres", "shop");
            long t0 = System.nanoTime();
            tool(false, Duration.ofHours(1), "pg_dump", "-Fd", "-j", "2", "-f", dumpDir.toString(),
                    "-h", "127.0.0.1", "-p", Integer.toString(source.port()), "-U", "postgres", "shop");
            // the schema through psql, as a user restoring across majors must: a Debian 17 source marks every column
            // with its packaging's pg_attver option, which 18 refuses (Dolly's refresh drops it in AttributeOptions)
            Path preData = dumpDir.resolveSibling(dumpDir.getFileName() + "-pre-data.sql");
            tool(false, Duration.ofMinutes(5), "pg_restore", "--section=pre-data", "-f", preData.toString(), dumpDir.toString());
            Files.writeString(preData, PG_ATTVER.matcher(Files.readString(preData)).replaceAll(""));
            tool(false, Duration.ofMinutes(5), "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", Integer.toString(port),
                    "-U", "postgres", "-d", "shop", "-f", preData.toString());
            Files.delete(preData);
            tool(false, Duration.ofHours(1), "pg_restore", "-j", "2", "--section=data", "--section=post-data", "-h", "127.0.0.1",
                    "-p", Integer.toString(port), "-U", "postgres", "-d", "shop", dumpDir.toString());
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            try {
                tool(true, Duration.ofMinutes(2), "pg_ctl", "-D", dataDir.toString(), "-m", "immediate", "-w", "stop");
            } catch (ProcessFailedException ignored) {
                // not started
            }
            stopTools();
            baselineData = null;
            deleteTree(dumpDir);
            if (localDisk) {
                deleteTree(clusterDir);
            } else {
                destroy(dataset);
            }
        }
    }

    private static void report(Map<String, List<Double>> times, Map<String, List<Map<String, Object>>> phases, long size, Path out)
            throws IOException {
        List<Map<String, Object>> results = new ArrayList<>();
        Map<String, Double> p50 = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%-28s %12s %3s %8s %8s%n", "metric", "size_bytes", "n", "p50_s", "p95_s"));
        for (Map.Entry<String, List<Double>> e : times.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            v.sort(Comparator.naturalOrder());
            double m = percentile(v, 50);
            double p95 = percentile(v, 95);
            p50.put(e.getKey(), m);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("metric", e.getKey());
            r.put("size_bytes", size);
            r.put("n", v.size());
            r.put("p50_s", round(m));
            r.put("p95_s", round(p95));
            results.add(r);
            table.append(String.format(Locale.ROOT, "%-28s %12d %3d %8.2f %8.2f%n", e.getKey(), size, v.size(), m, p95));
        }
        Map<String, Object> ratios = new LinkedHashMap<>();
        if (p50.containsKey("masked_refresh") && p50.containsKey("pg_dump_restore_baseline")) {
            ratios.put("masked_refresh_vs_pg_dump_restore_baseline", round(p50.get("masked_refresh") / p50.get("pg_dump_restore_baseline")));
        }
        if (p50.containsKey("masked_refresh") && p50.containsKey("refresh_no_rules")) {
            ratios.put("masking_overhead", round(p50.get("masked_refresh") / p50.get("refresh_no_rules") - 1));
            // the two refreshes of one run ran back to back under the same machine load: their ratio is steadier
            List<Double> paired = new ArrayList<>();
            List<Double> m = times.get("masked_refresh");
            List<Double> r = times.get("refresh_no_rules");
            for (int i = 0; i < Math.min(m.size(), r.size()); i++) {
                paired.add(m.get(i) / r.get(i) - 1);
            }
            paired.sort(Comparator.naturalOrder());
            ratios.put("masking_overhead_paired_median", round(percentile(paired, 50)));
        }
        for (Map.Entry<String, Object> e : ratios.entrySet()) {
            table.append(String.format(Locale.ROOT, "%-44s %8.3f  (target: %s)%n", e.getKey(), (Double) e.getValue(),
                    e.getKey().startsWith("masking") ? "≤ 0.15" : "≤ 1.0"));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("results", results);
        doc.put("ratios", ratios);
        doc.put("phase_seconds", phases);
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), doc);
        System.out.print(table);
    }

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static void destroy(String dataset) {
        try {
            new Zfs(RUN, new ZfsCommands(), Duration.ofSeconds(10)).destroyRecursive(dataset);
        } catch (RuntimeException e) {
            System.err.println("bench: could not destroy " + dataset + ": " + e.getMessage() + "; remove it with: zfs destroy -r " + dataset);
        }
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String hex(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
