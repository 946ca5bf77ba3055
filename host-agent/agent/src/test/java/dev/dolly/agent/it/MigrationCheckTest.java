package dev.dolly.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.agent.Agent;
import dev.dolly.agent.api.AgentJson;
import dev.dolly.agent.api.CheckReport;
import dev.dolly.agent.api.CheckReport.Finding;
import dev.dolly.agent.api.CheckRequest;
import dev.dolly.agent.api.CheckRequest.Migration;
import dev.dolly.agent.api.CheckView;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.api.client.AgentCall;
import dev.dolly.agent.api.client.AgentClient;
import dev.dolly.agent.api.client.AgentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The migration check on the demo shop at full size (scripts/demo/shop.sql: 200k customers, 400k orders, 400k order
 * items, 300k payments), through the signed API of a real agent: the corpus of issue 14, each with its expected rule
 * ids, rewrites, blocked-query figures and verdict. The clone is reset to its creation after every check.
 */
@Tag("integration")
class MigrationCheckTest {
    static final CheckRequest.Probe PROBE = new CheckRequest.Probe(4, 100, false);
    private static TestRoot t;
    private static Agent agent;
    private static AgentClient api;
    private static CloneCredentials clone;
    private static final AtomicInteger ids = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        t = new TestRoot();
        Path seed = Files.createDirectories(t.workDir.resolve("seed"));
        Files.copy(shopSql(), seed.resolve("V1__shop.sql"));
        agent = ItAgent.start(t.config(22400, 22419, """
                shop:
                  database: shop
                  seed: [ %s ]
                  retention: 1
                  clone: { memory: 512m, quota: 4g }
                """.formatted(seed)));
        api = ItAgent.client(agent);
        ItAgent.build(api, "shop");
        clone = api.create(new CreateCloneRequest("check", "shop", null, "ci:checks", null, false));
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

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
        if (t != null) {
            t.close();
        }
    }

    @BeforeEach
    void fresh() {
        api.reset("check", null);
    }

    static CheckView run(CheckRequest.Probe probe, String... files) throws Exception {
        String id = "it-" + ids.incrementAndGet();
        List<Migration> ms = new java.util.ArrayList<>();
        for (int i = 0; i < files.length; i++) {
            ms.add(new Migration("V" + (i + 1) + "__m.sql", files[i]));
        }
        CheckView v = api.execute(AgentCall.startCheck("check", new CheckRequest(id, "files", ms, probe, null)));
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (v.state().equals("RUNNING") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            v = api.execute(AgentCall.check(id));
        }
        assertThat(v.state()).as("check %s: %s", id, v.error()).isEqualTo("DONE");
        String json = AgentJson.mapper().writeValueAsString(v.report());
        // the reports as the control plane gets them, for a look (target/check-reports/<id>.json)
        Path reports = Files.createDirectories(Path.of("target/check-reports"));
        Files.writeString(reports.resolve(id + ".json"), AgentJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(v));
        assertThat(json).as("no row values in the report").doesNotContain("example.com").doesNotContain("mail.test").doesNotContain("Springfield");
        return v;
    }

    static Set<String> rules(CheckReport r) {
        return r.findings().stream().map(Finding::rule).collect(Collectors.toSet());
    }

    static CheckReport.Statement statement(CheckReport r, String startsWith) {
        return r.statements().stream().filter(s -> s.sql().startsWith(startsWith)).findFirst()
                .orElseThrow(() -> new AssertionError("no statement " + startsWith + " in " + r.statements()));
    }

    @Test
    void indexOnOrdersBlocksWritesWithoutConcurrently() throws Exception {
        CheckReport unsafe = run(PROBE, "CREATE INDEX orders_created_idx ON orders (created_at);").report();
        CheckReport.Statement s = statement(unsafe, "CREATE INDEX");
        assertThat(rules(unsafe)).contains("require-concurrent-index-creation", "blocked-queries");
        assertThat(s.locks()).anySatisfy(l -> {
            assertThat(l.relation()).isEqualTo("orders");
            assertThat(l.mode()).isEqualTo("ShareLock");
            assertThat(l.holdMs()).isPositive();
        });
        assertThat(s.blockedMs()).isPositive();
        assertThat(s.blockedQueries()).isPositive();
        assertThat(s.sizeDeltaBytes()).isPositive();
        assertThat(s.walBytes()).isPositive();
        assertThat(unsafe.verdict()).isIn("warn", "fail");
        System.out.printf("unsafe index: %d ms, blocked %d ms (%d queries), verdict %s%n", s.durationMs(), s.blockedMs(), s.blockedQueries(), unsafe.verdict());

        api.reset("check", null);
        CheckReport safe = run(PROBE, "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_idx ON orders (created_at);").report();
        CheckReport.Statement c = statement(safe, "CREATE INDEX CONCURRENTLY");
        assertThat(rules(safe)).doesNotContain("require-concurrent-index-creation", "blocked-queries");
        assertThat(c.blockedMs()).isZero();
        assertThat(c.locks()).anySatisfy(l -> assertThat(l.mode()).isEqualTo("ShareUpdateExclusiveLock"));
        assertThat(safe.verdict()).isEqualTo("pass");
    }

    @Test
    void aVolatileDefaultRewritesTheTableAConstantOneDoesNot() throws Exception {
        CheckReport v = run(PROBE, "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();").report();
        CheckReport.Statement s = statement(v, "ALTER TABLE");
        assertThat(s.rewrote()).containsExactly("orders");
        assertThat(rules(v)).contains("adding-field-with-default", "table-rewrite");
        assertThat(s.blockedMs()).isPositive();
        assertThat(v.verdict()).isIn("warn", "fail");

        api.reset("check", null);
        CheckReport c = run(PROBE, "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN flag boolean NOT NULL DEFAULT false;").report();
        CheckReport.Statement k = statement(c, "ALTER TABLE");
        assertThat(k.rewrote()).isEmpty();
        assertThat(k.blockedMs()).isZero();
        assertThat(k.locks()).anySatisfy(l -> assertThat(l.mode()).isEqualTo("AccessExclusiveLock"));
        assertThat(rules(c)).doesNotContain("adding-field-with-default", "table-rewrite");
        assertThat(c.verdict()).isEqualTo("pass");
    }

    @Test
    void setNotNullDirectlyVersusThroughAValidatedCheck() throws Exception {
        // the scan of order_items under SET NOT NULL can end between two lock samples on a fast machine (a CI run measured
        // 0 ms blocked): the file keeps its lock 0.3 s longer, as a migration doing more in the same transaction would
        CheckReport d = run(PROBE, "SET lock_timeout = '5s';\nALTER TABLE order_items ALTER COLUMN unit_price DROP NOT NULL;",
                "ALTER TABLE order_items ALTER COLUMN unit_price SET NOT NULL;\nSELECT pg_sleep(0.3);").report();
        assertThat(rules(d)).contains("adding-not-nullable-field");
        assertThat(statement(d, "ALTER TABLE order_items ALTER COLUMN unit_price SET NOT NULL").blockedMs()).isPositive();

        api.reset("check", null);
        CheckReport v = run(PROBE, "SET lock_timeout = '5s';\nALTER TABLE order_items ALTER COLUMN unit_price DROP NOT NULL;",
                "ALTER TABLE order_items ADD CONSTRAINT unit_price_nn CHECK (unit_price IS NOT NULL) NOT VALID;",
                "ALTER TABLE order_items VALIDATE CONSTRAINT unit_price_nn;",
                "-- dolly:ignore adding-not-nullable-field\nALTER TABLE order_items ALTER COLUMN unit_price SET NOT NULL;\n"
                        + "ALTER TABLE order_items DROP CONSTRAINT unit_price_nn;").report();
        assertThat(rules(v)).doesNotContain("adding-not-nullable-field", "constraint-missing-not-valid");
        assertThat(statement(v, "ALTER TABLE order_items VALIDATE").blockedMs()).isZero();
        assertThat(statement(v, "ALTER TABLE order_items VALIDATE").locks())
                .anySatisfy(l -> assertThat(l.mode()).isEqualTo("ShareUpdateExclusiveLock"));
        assertThat(statement(v, "ALTER TABLE order_items ALTER COLUMN unit_price SET NOT NULL").blockedMs()).isZero();
    }

    @Test
    void foreignKeyWithAndWithoutNotValid() throws Exception {
        CheckReport d = run(PROBE, "SET lock_timeout = '5s';\nALTER TABLE payments ADD CONSTRAINT payments_order_fk2 FOREIGN KEY (order_id) REFERENCES orders (id);").report();
        CheckReport.Statement s = statement(d, "ALTER TABLE payments");
        assertThat(rules(d)).contains("adding-foreign-key-constraint");
        assertThat(s.locks()).anySatisfy(l -> assertThat(l.mode()).isEqualTo("ShareRowExclusiveLock"));
        assertThat(s.blockedMs()).isPositive();

        api.reset("check", null);
        CheckReport v = run(PROBE, "SET lock_timeout = '5s';\nALTER TABLE payments ADD CONSTRAINT payments_order_fk2 FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;",
                "ALTER TABLE payments VALIDATE CONSTRAINT payments_order_fk2;").report();
        assertThat(rules(v)).doesNotContain("adding-foreign-key-constraint", "blocked-queries");
        assertThat(statement(v, "ALTER TABLE payments VALIDATE").blockedMs()).isZero();
        assertThat(v.verdict()).isEqualTo("pass");
    }

    @Test
    void columnTypeChangeThatRewritesVersusVarcharWidening() throws Exception {
        CheckReport r = run(PROBE, "SET lock_timeout = '5s';\nALTER TABLE order_items ALTER COLUMN quantity TYPE bigint;").report();
        assertThat(statement(r, "ALTER TABLE").rewrote()).containsExactly("order_items");
        assertThat(statement(r, "ALTER TABLE").blockedMs()).isPositive();
        assertThat(rules(r)).contains("changing-column-type", "table-rewrite");

        api.reset("check", null);
        try (Connection c = ItAgent.connect(clone); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE customers ALTER COLUMN city TYPE varchar(50)");
        }
        CheckReport w = run(PROBE, "SET lock_timeout = '5s';\nALTER TABLE customers ALTER COLUMN city TYPE varchar(200);").report();
        assertThat(statement(w, "ALTER TABLE").rewrote()).isEmpty();
        assertThat(statement(w, "ALTER TABLE").blockedMs()).isZero();
        assertThat(w.findings()).filteredOn(f -> f.rule().equals("changing-column-type")).allSatisfy(f -> assertThat(f.severity()).isEqualTo("warning"));
        assertThat(w.verdict()).isEqualTo("pass");
    }

    @Test
    void aUniqueIndexOverDuplicatesFailsAndCountsTheRowsInTheWay() throws Exception {
        CheckReport r = run(PROBE, "CREATE UNIQUE INDEX CONCURRENTLY customers_city_key ON customers (city);").report();
        CheckReport.Statement s = statement(r, "CREATE UNIQUE INDEX");
        assertThat(s.error()).isNotNull();
        assertThat(s.error().sqlstate()).isEqualTo("23505");
        assertThat(s.error().rowsInTheWay()).isEqualTo(200000L);
        assertThat(r.verdict()).isEqualTo("fail");
        assertThat(rules(r)).contains("statement-error");
    }

    @Test
    void aSecondFileThatFailsPutsTheCloneBackAndNamesTheStatement() throws Exception {
        CheckReport r = run(PROBE, "CREATE TABLE audit_log (id bigint PRIMARY KEY, note text);",
                "ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders ALTER COLUMN note SET NOT NULL;",
                "CREATE TABLE never_run (x int);").report();
        assertThat(r.verdict()).isEqualTo("fail");
        Finding e = r.findings().stream().filter(f -> f.rule().equals("statement-error")).findFirst().orElseThrow();
        assertThat(e.file()).isEqualTo("V2__m.sql");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.statement()).isEqualTo("ALTER TABLE orders ALTER COLUMN note SET NOT NULL");
        assertThat(statement(r, "ALTER TABLE orders ALTER COLUMN note").error().rowsInTheWay()).isEqualTo(400000L);
        assertThat(r.statements()).noneMatch(s -> s.sql().contains("never_run"));
        try (Connection c = ItAgent.connect(clone); Statement st = c.createStatement()) {
            assertThat(count(st, "SELECT count(*) FROM pg_class WHERE relname = 'audit_log'")).isEqualTo(1);
            assertThat(count(st, "SELECT count(*) FROM pg_tables WHERE tablename = 'audit_log' AND tableowner = current_user"))
                    .as("what the migration creates is the clone owner's").isEqualTo(1);
            assertThat(count(st, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note'")).isZero();
            assertThat(count(st, "SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'dolly%'")).isZero();
        }
        assertThat(api.savepoints("check")).isEmpty();
    }

    @Test
    void aDeferredConstraintThatFailsAtCommitIsTheFilesError() throws Exception {
        CheckReport r = run(PROBE, "CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree (id) DEFERRABLE INITIALLY DEFERRED);\n"
                + "INSERT INTO tree VALUES (1, 2);").report();
        assertThat(r.verdict()).isEqualTo("fail");
        CheckReport.Statement commit = statement(r, "COMMIT");
        assertThat(commit.error().sqlstate()).isEqualTo("23503");
        assertThat(commit.line()).isEqualTo(2);
        try (Connection c = ItAgent.connect(clone); Statement st = c.createStatement()) {
            assertThat(count(st, "SELECT count(*) FROM pg_class WHERE relname = 'tree'")).isZero();
        }
    }

    @Test
    void theLongTransactionVariantShowsThePileUpAndWhetherLockTimeoutHandledIt() throws Exception {
        CheckRequest.Probe longTx = new CheckRequest.Probe(4, 100, true);
        CheckReport pile = run(longTx, "ALTER TABLE orders ADD COLUMN c2 int;").report();
        assertThat(rules(pile)).contains("lock-queue", "require-lock-timeout");
        assertThat(statement(pile, "ALTER TABLE").blockedMs()).isGreaterThan(1000);
        assertThat(pile.verdict()).isEqualTo("fail");

        api.reset("check", null);
        CheckReport handled = run(longTx, "SET lock_timeout = '300ms';\nALTER TABLE orders ADD COLUMN c2 int;").report();
        assertThat(rules(handled)).contains("lock-timeout-handled").doesNotContain("lock-queue", "statement-error");
        assertThat(statement(handled, "ALTER TABLE").error().sqlstate()).isEqualTo("55P03");
        assertThat(handled.verdict()).isNotEqualTo("fail");
    }

    @Test
    void observeModeWatchesAMigrationRunByPsql() throws Exception {
        String id = "it-observe-" + ids.incrementAndGet();
        CheckView v = api.execute(AgentCall.startCheck("check", new CheckRequest(id, "observe", List.of(), PROBE, null)));
        assertThat(v.state()).isEqualTo("OBSERVING");
        Path file = t.workDir.resolve("observed.sql");
        Files.writeString(file, "CREATE INDEX orders_total_idx ON orders (total);\nALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();\n");
        ProcessBuilder pb = new ProcessBuilder(psql(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                Integer.toString(clone.cloneView().port()), "-U", clone.cloneView().user(), "-d", clone.cloneView().database(), "-f", file.toString());
        pb.environment().put("PGPASSWORD", clone.password());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        CheckView done = api.execute(AgentCall.finishCheck(id));
        assertThat(done.state()).as(done.error()).isEqualTo("DONE");
        CheckReport r = done.report();
        assertThat(rules(r)).contains("require-concurrent-index-creation", "adding-field-with-default", "table-rewrite");
        assertThat(r.findings()).anySatisfy(f -> {
            assertThat(f.rule()).isEqualTo("require-concurrent-index-creation");
            assertThat(f.file()).isEqualTo("observed");
        });
        assertThat(r.statements()).isNotEmpty();
        assertThat(r.statements()).anySatisfy(s -> assertThat(s.locks()).anySatisfy(l -> assertThat(l.relation()).isEqualTo("orders")));
        assertThat(api.execute(AgentCall.finishCheck(id)).report().verdict()).isEqualTo(r.verdict());
        try (Connection c = ItAgent.connect(clone); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW log_statement")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("none");
        }
    }

    @Test
    void clearErrorsForAMissingCloneAnUnknownCheckAndABusyClone() throws Exception {
        assertCode(ErrorCode.UNKNOWN_CLONE, () -> api.execute(AgentCall.startCheck("nope", new CheckRequest("x-1", "files", List.of(), null, null))));
        assertCode(ErrorCode.UNKNOWN_CHECK, () -> api.execute(AgentCall.check("never-started")));
        String id = "it-busy-" + ids.incrementAndGet();
        api.execute(AgentCall.startCheck("check", new CheckRequest(id, "observe", List.of(), new CheckRequest.Probe(0, 0, false), null)));
        assertCode(ErrorCode.CONFLICT, () -> api.execute(AgentCall.startCheck("check", new CheckRequest(id + "b", "files",
                List.of(new Migration("a.sql", "SELECT 1")), null, null))));
        assertThat(api.execute(AgentCall.finishCheck(id)).state()).isEqualTo("DONE");
    }

    private static void assertCode(ErrorCode code, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        org.assertj.core.api.Assertions.assertThatThrownBy(call).isInstanceOfSatisfying(AgentException.Refused.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }

    private static long count(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String psql() {
        for (String p : Arrays.asList("/usr/lib/postgresql/15/bin/psql", "/usr/bin/psql", "/usr/local/bin/psql")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return "psql";
    }
}
