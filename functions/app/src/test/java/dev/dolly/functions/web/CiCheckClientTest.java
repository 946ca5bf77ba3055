package dev.dolly.functions.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.dolly.agent.api.CheckReport;
import dev.dolly.functions.FakeCheckAgent;
import dev.dolly.functions.Harness;
import dev.dolly.functions.MutableClock;
import dev.dolly.functions.agent.AgentClients;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * clients/dolly-ci check (bash, no JSON parser) against the real CI webhook's answers (Jackson's JSON, the control plane's
 * markdown and JUnit XML) over HTTP, with a fake agent: the three files it writes are exactly the answer's texts, whatever
 * the report holds (quotes, backslashes, newlines, non-ASCII, the boundaries the client cuts at), and it exits by verdict.
 */
class CiCheckClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private FakeCheckAgent agent;
    private Harness h;
    private HttpServer webhook;
    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        agent = new FakeCheckAgent();
        h = new Harness(Harness.yaml(agent.hostsYaml()), MutableClock.systemNow(), AgentClients.Settings.defaults());
        h.seedHealthyHost("h1", "shop");
        // real time: the client signs with the machine's clock
        h.service.checks().pacing(ms -> h.clock.set(java.time.Instant.now()), Duration.ofMillis(50), Duration.ofSeconds(2));
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/webhooks/ci", x -> {
            try {
                h.clock.set(java.time.Instant.now());
                Map<String, String> headers = new HashMap<>();
                x.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
                HttpAnswer a = h.webhook.handle(new HttpCall("POST", "/webhooks/ci", headers, x.getRequestBody().readAllBytes()));
                byte[] b = a.body().getBytes(StandardCharsets.UTF_8);
                x.getResponseHeaders().set("Content-Type", "application/json");
                x.sendResponseHeaders(a.status(), b.length);
                x.getResponseBody().write(b);
            } finally {
                x.close();
            }
        });
        webhook.start();
    }

    @AfterEach
    void tearDown() {
        webhook.stop(0);
        h.close();
        agent.close();
    }

    private record Run(int code, String stdout, String stderr) {}

    private static Path client() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("clients/dolly-ci"))) return p.resolve("clients/dolly-ci");
        }
        throw new IllegalStateException("clients/dolly-ci not found");
    }

    private Run run(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", client().toString(), "check"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put("DOLLY_URL", "http://127.0.0.1:" + webhook.getAddress().getPort());
        pb.environment().put("DOLLY_CI_KEY", "ci-dev");
        pb.environment().put("DOLLY_CI_SECRET", "dev-secret");
        pb.environment().put("HOME", dir.toString());
        pb.environment().put("TMPDIR", dir.toString());
        pb.environment().put("GITHUB_STEP_SUMMARY", dir.resolve("summary.md").toString());
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread t = new Thread(() -> { try { p.getErrorStream().transferTo(err); } catch (Exception ignored) { } });
        t.start();
        p.getInputStream().transferTo(out);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        t.join();
        return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theFilesTheClientWritesAreExactlyTheAnswersTexts() throws Exception {
        // a report whose texts hold everything a bash cutter could get wrong
        String nasty = "a \"quoted\" \\\\ back\\slash, a \\n that is not a newline, a tab\t, ünïcödé 😀, <b>&amp;</b>, "
                + "\",\"junit\":\" and \"} and \\u0041 \u0007";
        CheckReport base = FakeCheckAgent.sampleReport();
        CheckReport.Finding odd = new CheckReport.Finding("prefer-robust-stmts", "warning", "V9 \"odd\".sql", "SELECT '\\'", 3, "t",
                null, null, null, null, nasty, nasty);
        List<CheckReport.Finding> findings = new java.util.ArrayList<>(base.findings());
        findings.add(odd);
        agent.report = new CheckReport("x", "fail", 5200, findings, base.statements(), null, null);
        Path f1 = Files.writeString(dir.resolve("V7__orders_index.sql"), "CREATE INDEX orders_customer_idx ON orders (customer_id);\n");

        Run r = run("--template", "shop", "--file", f1.toString());
        assertThat(r.code()).as(r.stderr()).isEqualTo(1);
        JsonNode answer = JSON.readTree(Files.readString(dir.resolve("dolly-check.json")));
        assertThat(answer.get("verdict").asText()).isEqualTo("fail");
        String md = answer.get("markdown").asText();
        assertThat(md).contains("V9 \"odd\".sql").contains("ünïcödé 😀");
        assertThat(Files.readString(dir.resolve("dolly-check.md"))).isEqualTo(md);
        assertThat(Files.readString(dir.resolve("dolly-check.junit.xml"))).isEqualTo(answer.get("junit").asText());
        assertThat(Files.readString(dir.resolve("summary.md"))).isEqualTo(md + "\n");
        assertThat(r.stdout()).isEqualTo(md.lines().findFirst().orElseThrow() + "\n");
        assertThat(agent.checks.get(0).migrations().get(0).sql()).isEqualTo(Files.readString(f1));
        assertThat(agent.destroyed).hasSize(1);
    }

    @Test
    void aWarnPassesUnlessStrictAndObserveModeRoundTrips() throws Exception {
        CheckReport base = FakeCheckAgent.sampleReport();
        agent.report = new CheckReport("x", "warn", 10, List.of(base.findings().get(0)), List.of(), null, null);
        Path f1 = Files.writeString(dir.resolve("V1.sql"), "SELECT 1;");
        assertThat(run("--template", "shop", "--file", f1.toString()).code()).isZero();
        assertThat(run("--template", "shop", "--file", f1.toString(), "--strict").code()).isEqualTo(1);

        Run start = run("--template", "shop", "--observe", "start", "--format", "env");
        assertThat(start.code()).as(start.stderr()).isZero();
        Map<String, String> env = new HashMap<>();
        start.stdout().lines().forEach(l -> env.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        assertThat(env.get("DOLLY_CHECK")).startsWith("chk-");
        assertThat(env.get("PGPASSWORD")).startsWith("pw-shop-check-");
        Run finish = run("--observe", "finish", "--check", env.get("DOLLY_CHECK"));
        assertThat(finish.code()).as(finish.stderr()).isZero();
        assertThat(agent.finished).containsExactly(env.get("DOLLY_CHECK"));
        assertThat(Files.readString(dir.resolve("dolly-check.md"))).startsWith("⚠️ **Dolly migration check: warn**");
    }

    @Test
    void aRefusalExitsTwoSayingWhy() throws Exception {
        Run r = run("--template", "shp", "--file", Files.writeString(dir.resolve("V1.sql"), "SELECT 1;").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.stderr()).contains("there is no template 'shp'");
    }
}
