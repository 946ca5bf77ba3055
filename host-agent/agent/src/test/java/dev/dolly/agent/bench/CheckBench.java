package dev.dolly.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dolly.agent.api.CheckReport;
import dev.dolly.agent.api.CheckRequest;
import dev.dolly.agent.api.CheckView;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.client.AgentCall;
import dev.dolly.agent.api.client.AgentClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code ./dolly bench check}: the migration check on the demo shop at full size (scripts/demo/shop.sql), run by
 * bench/check.sh against a control plane of its own (scripts/lib/bench-stack.sh: a real host agent named {@code bench}
 * with spares as shipped, and the local functions server with DynamoDB Local embedded). Rows:
 * <ul>
 * <li>{@code check_noop_ready} — what a CI job waits for: from sending the signed webhook
 *     {@code {"action":"check","template":"shop","migrations":[{"name":"V1__noop.sql","sql":"-- …"}],"wait":true}} (a file
 *     without a statement) to having
 *     the report (clone taken, check run by the agent, clone destroyed); target p50 ≤ 2 s;</li>
 * <li>{@code check_noop_agent} — the agent's part alone: the same empty check on an existing clone, start → report;</li>
 * <li>{@code check_select1_agent} — the same for a one-statement migration (savepoint, sessions, probe, cleanup);</li>
 * <li>{@code check_overhead} — the corpus's unsafe index migration under observation and probe, its statement's time
 *     against the same SQL run bare on a clone; target ≤ 1.25× (the row also gives the whole check's wall time).</li>
 * </ul>
 * Every answer is checked to be a real report (state DONE, a check id, verdict pass, no statement for the empty
 * migration), so a broken path cannot give a fast figure. Writes {@code {"results":[…]}} to {@code --out} and prints a
 * table with each row's target and pass/fail. Options: {@code --agent-url}, {@code --agent-name}, {@code --functions-url},
 * {@code --n}, {@code --quick}; secrets from the environment: {@code DOLLY_AGENT_SECRET}, {@code DOLLY_CI_KEY},
 * {@code DOLLY_CI_SECRET}.
 */
public final class CheckBench {
    static final String UNSAFE_INDEX = "CREATE INDEX orders_created_idx ON orders (created_at)";
    /**
     * The empty migration: a file without a statement. Not {@code ""}: the control plane refuses a blank file (400
     * "V1__noop.sql is empty; nothing to check in it"), so the file holds only a comment.
     */
    static final String NOOP_SQL = "-- an empty migration: no statement\n";
    private static final int WARMUP = 2;
    private final List<Map<String, Object>> results = new ArrayList<>();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int seq;

    public static void main(String[] args) throws Exception {
        Path out = Path.of("target/bench/check.json");
        int n = 10;
        String agentUrl = null;
        String agentName = "bench";
        String functionsUrl = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--n" -> n = Integer.parseInt(args[++i]);
                case "--quick" -> n = 3;
                case "--agent-url" -> agentUrl = args[++i];
                case "--agent-name" -> agentName = args[++i];
                case "--functions-url" -> functionsUrl = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--n N, --quick, --out FILE, --agent-url URL, --agent-name NAME, --functions-url URL)");
            }
        }
        if (agentUrl == null || functionsUrl == null) {
            throw new IllegalArgumentException("--agent-url and --functions-url are required: run it through ./dolly bench check");
        }
        AgentClient api = new AgentClient(agentName, URI.create(agentUrl), env("DOLLY_AGENT_SECRET").getBytes(StandardCharsets.UTF_8),
                Clock.systemUTC());
        new CheckBench().run(n, out, api, URI.create(functionsUrl), env("DOLLY_CI_KEY"), env("DOLLY_CI_SECRET"));
    }

    private static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalStateException(name + " is not set: run it through ./dolly bench check");
        }
        return v;
    }

    void run(int n, Path out, AgentClient api, URI functions, String ciKey, String ciSecret) throws Exception {
        // through the control plane, as a CI job waits: warm-up rounds (a server that has just started) not counted
        List<Double> ready = new ArrayList<>();
        List<Double> serverTotal = new ArrayList<>();
        List<Double> cloneTimes = new ArrayList<>();
        for (int i = 0; i < WARMUP + n; i++) {
            Webhook w = noopWebhook(functions, ciKey, ciSecret);
            System.out.printf(Locale.ROOT, "%s %d: request → report %.3f s (check %s, clone %d ms, server total %d ms)%n",
                    i < WARMUP ? "warm-up" : "round", i < WARMUP ? i + 1 : i - WARMUP + 1, w.wallS, w.check, w.cloneMs, w.totalMs);
            if (i >= WARMUP) {
                ready.add(w.wallS);
                cloneTimes.add(w.cloneMs / 1000.0);
                serverTotal.add(w.totalMs / 1000.0);
            }
        }
        Map<String, Object> readyExtra = new LinkedHashMap<>();
        readyExtra.put("server_total_p50_s", round(CloneBench.pct(serverTotal, 50)));
        readyExtra.put("clone_p50_s", round(CloneBench.pct(cloneTimes, 50)));
        readyExtra.put("warmup", WARMUP);
        add("check_noop_ready", ready, "p50 <= 2.0 s", CloneBench.pct(ready, 50) <= 2.0, readyExtra);

        // the agent's part alone, on an existing clone
        CloneCredentials c = api.create(new CreateCloneRequest("bench-check", "shop", null, "bench", null, false));
        List<Double> noop = new ArrayList<>();
        List<Double> select1 = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Timed t = timed(api, List.of(new CheckRequest.Migration("V1__noop.sql", NOOP_SQL)), null);
            if (!"pass".equals(t.report.verdict()) || !t.report.statements().isEmpty()) {
                throw new IllegalStateException("the empty check on the agent answered verdict " + t.report.verdict() + " with "
                        + t.report.statements().size() + " statement(s)");
            }
            noop.add(t.wallS);
            select1.add(timed(api, List.of(new CheckRequest.Migration("V1__select.sql", "SELECT 1;")), null).wallS);
        }
        add("check_noop_agent", noop, "", null, Map.of());
        add("check_select1_agent", select1, "", null, Map.of());
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
        add("check_overhead", observed, "ratio <= 1.25", ratio <= 1.25, extra);
        api.destroy("bench-check");

        ObjectMapper pretty = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.createDirectories(out.toAbsolutePath().getParent());
        pretty.writeValue(out.toFile(), Map.of("results", results));
        System.out.printf("%-20s %4s %9s %9s  %-14s %-5s %s%n", "metric", "n", "p50_s", "p95_s", "target", "pass", "notes");
        for (Map<String, Object> m : results) {
            Map<String, Object> notes = new LinkedHashMap<>(m);
            List.of("metric", "n", "p50_s", "p95_s", "target", "pass").forEach(notes::remove);
            System.out.printf(Locale.ROOT, "%-20s %4d %9.3f %9.3f  %-14s %-5s %s%n", m.get("metric"), m.get("n"), m.get("p50_s"), m.get("p95_s"),
                    m.get("target") == null ? "-" : m.get("target"), m.get("pass") == null ? "-" : m.get("pass"), notes);
        }
        System.out.println("wrote " + out);
    }

    private record Webhook(double wallS, String check, long cloneMs, long totalMs) {}

    /**
     * One signed CI webhook for the empty migration, timed from sending to having the report; the answer must be a
     * finished report (state DONE, a check id, verdict pass, no statement) of a clone that was not kept.
     */
    private Webhook noopWebhook(URI functions, String ciKey, String ciSecret) throws Exception {
        // identical signed bodies within one second are replays by contract: each round gets a second of its own
        // (untimed: it sleeps to the start of the next second)
        Thread.sleep(1000 - System.currentTimeMillis() % 1000 + 5);
        long ts = System.currentTimeMillis() / 1000;
        Map<String, Object> hook = new LinkedHashMap<>();
        hook.put("action", "check");
        hook.put("template", "shop");
        hook.put("migrations", List.of(Map.of("name", "V1__noop.sql", "sql", NOOP_SQL)));
        hook.put("wait", true);
        String body = json.writeValueAsString(hook);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(ciSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String sig = HexFormat.of().formatHex(mac.doFinal((ts + "." + body).getBytes(StandardCharsets.UTF_8)));
        HttpRequest req = HttpRequest.newBuilder(functions.resolve("/webhooks/ci"))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json")
                .header("X-Dolly-Key", ciKey)
                .header("X-Dolly-Timestamp", Long.toString(ts))
                .header("X-Dolly-Signature", "sha256=" + sig)
                .header("Idempotency-Key", "bench-check-" + (++seq) + "-" + System.nanoTime())
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        long t0 = System.nanoTime();
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        double wall = (System.nanoTime() - t0) / 1e9;
        JsonNode r = res.statusCode() == 200 ? json.readTree(res.body()) : null;
        if (r == null || !"DONE".equals(r.path("state").asText()) || r.path("check").asText("").isEmpty()
                || !"pass".equals(r.path("verdict").asText()) || !r.path("statements").isArray() || r.path("statements").size() != 0
                || r.path("kept").asBoolean(true)) {
            throw new IllegalStateException("the webhook check answered " + res.statusCode() + ", not a finished pass report with no statement: "
                    + res.body().substring(0, Math.min(600, res.body().length())));
        }
        return new Webhook(wall, r.path("check").asText(), r.path("cloneMs").asLong(-1), r.path("totalMs").asLong(-1));
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

    private void add(String metric, List<Double> xs, String target, Boolean pass, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metric", metric);
        m.put("n", xs.size());
        m.put("p50_s", round(CloneBench.pct(xs, 50)));
        m.put("p95_s", round(CloneBench.pct(xs, 95)));
        if (!target.isEmpty()) {
            m.put("target", target);
            m.put("pass", pass);
        }
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
}
