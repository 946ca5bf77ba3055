package dev.dolly.agent.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.agent.Agent;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.TemplateView;
import dev.dolly.agent.api.client.AgentClient;
import dev.dolly.agent.it.ItAgent;
import dev.dolly.agent.it.TestRoot;
import dev.dolly.agent.process.LocalProcessRunner;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The live-source refresh end to end through a real agent: its signed API, the template build
 * path on the real pool (dataset root {@code dolly/it-<random>}), build-server and clone
 * containers (ports 22000–22019), and a source server started here.
 */
@Tag("integration")
class RefreshE2ETest {

    private static final String SOURCE_SQL = """
            CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, full_name text, phone text, city text);
            INSERT INTO customers SELECT g, 'person' || g || '@corp.example.org', 'Given' || g || ' Family', '+1 415 555 ' || lpad(g::text, 4, '0'), 'Oslo'
            FROM generate_series(1, 5000) g;
            INSERT INTO customers VALUES (0, 'zz-CANARY-e2e@corp.example.org', 'Canary CANARY-e2e-name', '+1 CANARY 0000', 'Oslo');
            CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers(id), amount numeric(10,2));
            INSERT INTO orders SELECT g, g % 5000, g / 10.0 FROM generate_series(1, 20000) g;
            """;

    private static String templates(int port, String sysid) {
        return """
                shop:
                  database: shop
                  source: { host: 127.0.0.1, port: %d, database: shop, user: postgres, sslmode: disable, systemIdentifier: "%s" }
                  masking:
                    saltEnv: E2E_SALT
                    tables:
                      public.customers: { email: email, full_name: name, phone: phone, city: keep }
                  refresh: { workers: 2 }
                wrongsource:
                  database: shop
                  source: { host: 127.0.0.1, port: %d, database: shop, user: postgres, sslmode: disable, systemIdentifier: "42" }
                  masking: { saltEnv: E2E_SALT, tables: { public.customers: { email: email, full_name: name, phone: phone } } }
                """.formatted(port, sysid, port);
    }

    @Test
    void refreshMasksEndToEndAndAFailedRefreshLeavesTheLastSnapshotServing() throws Exception {
        try (PgServer source = PgServer.start("e2e-src", false); TestRoot root = new TestRoot()) {
            source.exec("postgres", "CREATE DATABASE shop");
            source.exec("shop", SOURCE_SQL);
            var config = root.config(22000, 22019, templates(source.port, source.systemIdentifier()));
            assertThat(Agent.populators(config, new LocalProcessRunner(), Map.of())
                    .forTemplate(config.template("shop").orElseThrow()))
                    .as("the agent builds templates with a source through LiveSourcePopulator (registered in Agent.populators)")
                    .isInstanceOf(LiveSourcePopulator.class);
            Agent agent = new Agent(config, Map.of("E2E_SALT", "e2e-salt"), Clock.systemUTC());
            try {
                agent.start();
                AgentClient api = ItAgent.client(agent);

                // ---- a refresh through the API, then a clone of the masked snapshot
                JobView job = ItAgent.build(api, "shop");
                assertThat(job.tablesDone()).isEqualTo(2);
                assertThat(job.rowsCopied()).isEqualTo(25_001);
                @SuppressWarnings("unchecked")
                Map<String, Object> rules = (Map<String, Object>) job.result().get("rules");
                assertThat(rules).containsKeys("public.customers.email", "public.customers.full_name", "public.customers.phone");
                String first = job.snapshot();
                CloneCredentials clone = api.create(new CreateCloneRequest("e2e-one", "shop", null, "ci:e2e", null, false));
                try (Connection c = ItAgent.connect(clone)) {
                    assertThat(count(c, "SELECT count(*) FROM customers")).isEqualTo(5001);
                    assertThat(count(c, "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id")).isEqualTo(20_000);
                    assertThat(count(c, "SELECT count(*) FROM customers WHERE email LIKE '%@corp.example.org'")).isZero();
                    assertThat(count(c, "SELECT count(*) FROM customers WHERE full_name LIKE 'Given%'")).isZero();
                    assertThat(count(c, "SELECT count(*) FROM customers WHERE city = 'Oslo'")).isEqualTo(5001);
                }

                // ---- canary: nowhere under the pool's mountpoints (templates, snapshots' datasets and clones)
                Path mount = Path.of("/" + root.root);
                assertThat(RefreshPipelineTest.grep(mount, "CANARY")).isEmpty();

                // ---- guard: a wrong system_identifier is refused before any dataset exists
                JobView refused = await(api, api.refresh("wrongsource"));
                assertThat(refused.state()).isEqualTo("FAILED");
                assertThat(refused.error()).contains("SOURCE_REFUSED").contains("pins 42");
                assertThat(root.datasets()).noneMatch(d -> d.contains("/templates/wrongsource"));

                // ---- the source stops in the middle of the next refresh's data phase
                source.exec("shop", "CREATE TABLE big (id bigint PRIMARY KEY, payload text);"
                        + "INSERT INTO big SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, 1500000) g");
                Set<String> before = new HashSet<>(root.datasets());
                JobView second = api.refresh("shop");
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (!("data".equals(second.phase()) && second.rowsCopied() > 0) && "RUNNING".equals(second.state())
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                    second = api.job(second.id());
                }
                assertThat(second.state()).as("second refresh reached the data phase").isEqualTo("RUNNING");
                source.kill();
                second = await(api, second);
                assertThat(second.state()).isEqualTo("FAILED");
                // the error names the phase and the table whose stream broke first (two were in flight)
                assertThat(second.error()).contains("phase data").containsPattern("table public\\.(big|customers|orders): connection lost");
                // nothing half-built is left, and the previous snapshot still serves
                assertThat(new HashSet<>(root.datasets())).isEqualTo(before);
                assertThat(root.containers()).noneMatch(c -> c.name() != null && c.name().contains("build"));
                List<TemplateView> templates = api.templates();
                assertThat(templates.stream().filter(t -> t.name().equals("shop")).findFirst().orElseThrow().currentSnapshot()).isEqualTo(first);
                CloneCredentials again = api.create(new CreateCloneRequest("e2e-two", "shop", null, "ci:e2e", null, false));
                try (Connection c = ItAgent.connect(again)) {
                    assertThat(count(c, "SELECT count(*) FROM customers")).isEqualTo(5001);
                }
                try (Connection c = ItAgent.connect(clone)) {
                    assertThat(count(c, "SELECT count(*) FROM orders")).isEqualTo(20_000);
                }
                api.destroy("e2e-one");
                api.destroy("e2e-two");
            } finally {
                agent.close();
            }
        }
    }

    private static JobView await(AgentClient api, JobView j) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while ("RUNNING".equals(j.state()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            j = api.job(j.id());
        }
        return j;
    }

    private static long count(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
