package dev.dolly.agent.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dolly.agent.Agent;
import dev.dolly.agent.api.CheckReport;
import dev.dolly.agent.api.CheckRequest;
import dev.dolly.agent.api.CheckView;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.client.AgentCall;
import dev.dolly.agent.api.client.AgentClient;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.config.ConfigLoader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * {@code ./dolly bench check}: the migration check on the demo shop at full size (scripts/demo/shop.sql), with an
 * agent of its own (dataset root {@code <pool>/bench-<random>}, clone ports 21500-21509). Rows:
 * {@code check_noop_ready} (check request → report for an empty migration; target p50 ≤ 2 s),
 * {@code check_select1_ready} (the same for a one-statement migration: savepoint, sessions, probe, cleanup),
 * {@code check_overhead} (the corpus's unsafe index migration under observation and probe, its statement's time
 * against the same SQL run bare on a clone; target ≤ 1.25×; the row also gives the whole check's wall time).
 * Writes {@code {"results":[…]}} to {@code --out} and prints a table.
 */
public final class CheckBench {
    static final String UNSAFE_INDEX = "CREATE INDEX orders_created_idx ON orders (created_at)";
    private final List<Map<String, Object>> results = new ArrayList<>();
    private int seq;

    public static void main(String[] args) throws Exception {
        Path out = Path.of("target/bench/check.json");
        int n = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--n" -> n = Integer.parseInt(args[++i]);
                case "--quick" -> n = 3;
                default -> { }
            }
        }
        new CheckBench().run(n, out);
    }

    void run(int n, Path out) throws Exception {
        String pool = System.getenv().getOrDefault("DOLLY_POOL", "dolly");
        byte[] r = new byte[3];
        new SecureRandom().nextBytes(r);
        String root = pool + "/bench-" + HexFormat.of().formatHex(r);
        Path work = Files.createTempDirectory("dolly-bench-check");
        Path seed = Files.createDirectories(work.resolve("seed"));
        Files.copy(shopSql(), seed.resolve("V1__shop.sql"));
        byte[] secret = ("bench-secret-" + HexFormat.of().formatHex(r) + "-0123456789").getBytes(StandardCharsets.UTF_8);
        AgentConfig config = ConfigLoader.parse("""
                agent:
                  listen: 127.0.0.1:0
                  pool: %s
                  ports: 21500-21509
                  workDir: %s
                  buildMissingTemplates: false
                  buildMemory: 1g
                  activityInterval: 0s
                  clone: { spares: 0 }
                templates:
                  shop:
                    database: shop
                    seed: [ %s ]
                    retention: 1
                    clone: { memory: 512m, quota: 4g }
                """.formatted(root, work, seed), work, Map.of()).withSecret(secret);
        new ProcessBuilder("zfs", "create", "-p", root).inheritIO().start().waitFor();
        Agent agent = new Agent(config, Map.of(), Clock.systemUTC());
        try {
            agent.start();
            AgentClient api = new AgentClient(config.name(), URI.create("http://127.0.0.1:" + agent.httpPort()), secret, Clock.systemUTC());
            long t0 = System.nanoTime();
            JobView j = api.refresh("shop");
            while ("RUNNING".equals(j.state())) {
                Thread.sleep(500);
                j = api.job(j.id());
            }
            if (!"SUCCEEDED".equals(j.state())) {
                throw new IllegalStateException("building the shop template failed: " + j.error());
            }
            System.out.printf(Locale.ROOT, "shop template built in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            CloneCredentials c = api.create(new CreateCloneRequest("bench-check", "shop", null, "bench", null, false));
            List<Double> noop = new ArrayList<>();
            List<Double> select1 = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                noop.add(timed(api, List.of(new CheckRequest.Migration("V1__noop.sql", "")), null).wallS);
                select1.add(timed(api, List.of(new CheckRequest.Migration("V1__select.sql", "SELECT 1;")), null).wallS);
            }
            add("check_noop_ready", noop, Map.of("target_p50_s", 2.0));
            add("check_select1_ready", select1, Map.of());
            List<Double> observed = new ArrayList<>();
            List<Double> walls = new ArrayList<>();
            List<Double> bare = new ArrayList<>();
            int rounds = Math.max(3, n / 2);
            for (int i = 0; i < rounds; i++) {
                api.reset("bench-check", null);
                try (Connection conn = connect(c); Statement st = conn.createStatement()) {
                    long b0 = System.nanoTime();
                    st.execute(UNSAFE_INDEX);
                    bare.add((System.nanoTime() - b0) / 1e9);
                }
                api.reset("bench-check", null);
                Timed t = timed(api, List.of(new CheckRequest.Migration("V7__orders_index.sql", UNSAFE_INDEX + ";")), dev.dolly.agent.check.Probe.DEFAULTS);
                CheckReport.Statement s = t.report.statements().get(0);
                observed.add(s.durationMs() / 1000.0);
                walls.add(t.wallS);
                System.out.printf(Locale.ROOT, "round %d: bare %.3f s, observed %.3f s (blocked %d ms, %d queries), check %.3f s%n", i + 1,
                        bare.get(i), observed.get(i), s.blockedMs(), s.blockedQueries(), t.wallS);
            }
            double ratio = CloneBench.pct(observed, 50) / CloneBench.pct(bare, 50);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("bare_p50_s", round(CloneBench.pct(bare, 50)));
            extra.put("check_wall_p50_s", round(CloneBench.pct(walls, 50)));
            extra.put("ratio", round(ratio));
            extra.put("target_ratio", 1.25);
            add("check_overhead", observed, extra);
            api.destroy("bench-check");
        } finally {
            agent.close();
            for (int i = 0; i < 10; i++) {
                if (new ProcessBuilder("zfs", "destroy", "-r", root).inheritIO().start().waitFor() == 0) {
                    break;
                }
                Thread.sleep(1000);
            }
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.createDirectories(out.toAbsolutePath().getParent());
        json.writeValue(out.toFile(), Map.of("results", results));
        System.out.printf("%-22s %4s %9s %9s  %s%n", "metric", "n", "p50_s", "p95_s", "notes");
        for (Map<String, Object> m : results) {
            Map<String, Object> notes = new LinkedHashMap<>(m);
            List.of("metric", "n", "p50_s", "p95_s").forEach(notes::remove);
            System.out.printf(Locale.ROOT, "%-22s %4d %9.3f %9.3f  %s%n", m.get("metric"), m.get("n"), m.get("p50_s"), m.get("p95_s"), notes);
        }
        System.out.println("wrote " + out);
    }

    private record Timed(double wallS, CheckReport report) {}

    private Timed timed(AgentClient api, List<CheckRequest.Migration> ms, CheckRequest.Probe probe) throws InterruptedException {
        String id = "bench-" + (++seq) + "-" + System.nanoTime();
        long t0 = System.nanoTime();
        CheckView v = api.execute(AgentCall.startCheck("bench-check", new CheckRequest(id, "files", ms, probe, null)));
        while (v.state().equals("RUNNING")) {
            Thread.sleep(5);
            v = api.execute(AgentCall.check(id));
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        if (!v.state().equals("DONE")) {
            throw new IllegalStateException("check " + id + " " + v.state() + ": " + v.error());
        }
        return new Timed(wall, v.report());
    }

    private void add(String metric, List<Double> xs, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metric", metric);
        m.put("n", xs.size());
        m.put("p50_s", round(CloneBench.pct(xs, 50)));
        m.put("p95_s", round(CloneBench.pct(xs, 95)));
        m.putAll(extra);
        results.add(m);
    }

    private static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }

    private static Connection connect(CloneCredentials c) throws java.sql.SQLException {
        Properties p = new Properties();
        p.setProperty("user", c.cloneView().user());
        p.setProperty("password", c.password());
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + c.cloneView().port() + "/" + c.cloneView().database(), p);
    }

    static Path shopSql() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path s = p.resolve("scripts/demo/shop.sql");
            if (Files.exists(s)) {
                return s;
            }
        }
        throw new IllegalStateException("scripts/demo/shop.sql not found above " + Path.of("").toAbsolutePath());
    }
}
