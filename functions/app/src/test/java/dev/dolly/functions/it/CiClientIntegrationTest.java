package dev.dolly.functions.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.service.CommandService;
import dev.dolly.functions.service.RefreshTracker;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.TemplateItem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * clients/dolly-ci against the local server over HTTP and a real agent: create --wait prints export
 * lines that connect, then status, reset, destroy, and the errors a CI job sees.
 */
@Tag("integration")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CiClientIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static RealAgent agent;
    private static final Path CLIENT = findClient();

    @LocalServerPort
    int port;
    @Autowired
    CommandService service;
    @Autowired
    DollyStore store;
    @Autowired
    RefreshTracker refreshes;

    static Path findClient() {
        Path p = Path.of(System.getProperty("user.dir"));
        for (int i = 0; i < 4 && p != null; i++, p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("clients/dolly-ci"))) return p.resolve("clients/dolly-ci");
        }
        throw new IllegalStateException("clients/dolly-ci not found");
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) throws Exception {
        agent = new RealAgent(23050, 23099);
        String yaml = """
                templates:
                  shop: { database: shop, clone: { ttl: 8h, maxTtl: 72h } }
                %s
                grants:
                  - { role: developer, templates: [shop], ciKeys: [ci-cli] }
                ciKeys:
                  - { id: ci-cli, secret: cli-secret }
                """.formatted(agent.hostsYaml("local"));
        r.add("dolly.config-yaml", () -> yaml);
        r.add("dolly.dynamodb.endpoint", () -> "embedded");
        r.add("dolly.reaper.local-schedule", () -> "false");
    }

    @AfterAll
    static void stop() {
        if (agent != null) agent.close();
    }

    @BeforeEach
    void templateReady() throws Exception {
        TemplateItem t = store.template("shop");
        if (t != null && t.getCurrentSnapshot() != null) return;
        service.execute(Principal.scheduler(), Front.SCHEDULE, new Command.Refresh("shop"));
        t = RefreshWait.until(store, refreshes, "shop", Duration.ofMinutes(4));
        assertThat(t.getCurrentSnapshot()).as("first snapshot: %s", t.getRefreshError()).isNotNull();
    }

    record Run(int exit, String out, String err) {}

    private Run client(String secret, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("bash", CLIENT.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("DOLLY_URL", "http://127.0.0.1:" + port);
        pb.environment().put("DOLLY_CI_KEY", "ci-cli");
        pb.environment().put("DOLLY_CI_SECRET", secret);
        Path err = Files.createTempFile("dolly-ci", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        Run r = new Run(p.exitValue(), out, Files.readString(err));
        Files.delete(err);
        return r;
    }

    private static Map<String, String> exports(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher x = Pattern.compile("export ([A-Z_]+)='([^']*)'").matcher(out);
        while (x.find()) m.put(x.group(1), x.group(2));
        return m;
    }

    @Test
    void createWaitConnectStatusResetDestroy() throws Exception {
        Run created = client("cli-secret", "create", "--template", "shop", "--clone", "cli-one", "--ttl", "1h", "--wait");
        assertThat(created.exit()).as(created.err()).isZero();
        Map<String, String> env = exports(created.out());
        assertThat(env).containsKeys("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "DOLLY_CLONE");
        assertThat(env.get("PGDATABASE")).isEqualTo("shop");
        Properties props = new Properties();
        props.setProperty("user", env.get("PGUSER"));
        props.setProperty("password", env.get("PGPASSWORD"));
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + env.get("PGHOST") + ":" + env.get("PGPORT") + "/"
                + env.get("PGDATABASE"), props); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from customer")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(500);
        }
        Run status = client("cli-secret", "status", "--clone", "cli-one", "--json");
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(JSON.readTree(status.out()).get("state").asText()).isEqualTo("READY");
        assertThat(client("cli-secret", "reset", "--clone", "cli-one").exit()).isZero();
        assertThat(client("cli-secret", "destroy", "--clone", "cli-one").exit()).isZero();
        Run gone = client("cli-secret", "status", "--clone", "cli-one");
        assertThat(gone.exit()).isEqualTo(3);
        assertThat(gone.err()).contains("HTTP 404").contains("no clone 'cli-one'");
    }

    @Test
    void errorsAreClearAndExitNonZero() throws Exception {
        Run badTtl = client("cli-secret", "create", "--template", "shop", "--clone", "cli-two", "--ttl", "soon", "--wait");
        assertThat(badTtl.exit()).isEqualTo(3);
        assertThat(badTtl.err()).contains("HTTP 400").contains("[ttl]");
        Run badSecret = client("not-the-secret", "status", "--clone", "cli-two");
        assertThat(badSecret.exit()).isEqualTo(3);
        assertThat(badSecret.err()).contains("HTTP 401");
        Run usage = client("cli-secret", "create");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("create needs --template");
    }
}
