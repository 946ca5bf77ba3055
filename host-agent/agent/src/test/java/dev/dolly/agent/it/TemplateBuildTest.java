package dev.dolly.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.agent.Agent;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.client.AgentClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Seed template builds as jobs: progress, one job per template, failure and cancellation discard the build. */
@Tag("integration")
class TemplateBuildTest {
    private static TestRoot t;
    private static Agent agent;
    private static AgentClient api;
    private static Path slowFlag;

    @BeforeAll
    static void start() throws Exception {
        t = new TestRoot();
        Path seed = Files.createDirectories(t.workDir.resolve("migrations"));
        Files.writeString(seed.resolve("V1__schema.sql"), "CREATE TABLE customer(id bigint PRIMARY KEY, email text);\n");
        Files.writeString(seed.resolve("V2__data.sql"), "INSERT INTO customer SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 500) g;\n");
        Files.writeString(seed.resolve("V10__more.sql"), "ALTER TABLE customer ADD COLUMN note text DEFAULT 'v10 ran last';\n");
        Path bad = Files.createDirectories(t.workDir.resolve("bad"));
        Files.writeString(bad.resolve("1.sql"), "CREATE TABLE t(x int);\nINSERT INTO nope VALUES (1);\n");
        Path slow = Files.createDirectories(t.workDir.resolve("slow"));
        Files.writeString(slow.resolve("1.sql"), "SELECT pg_sleep(60);\n");
        agent = ItAgent.start(t.config(21150, 21159, """
                shop:
                  database: shop
                  seed: [ %s ]
                bad:
                  seed: [ %s ]
                slow:
                  seed: [ %s ]
                missing:
                  seed: [ %s ]
                """.formatted(seed, bad, slow, t.workDir.resolve("nope.sql"))));
        api = ItAgent.client(agent);
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

    private static JobView await(JobView j) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while ("RUNNING".equals(j.state()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            j = api.job(j.id());
        }
        return j;
    }

    @Test
    void aSeedBuildAppliesMigrationsInOrderSnapshotsAndPromotes() throws Exception {
        JobView j = await(api.refresh("shop"));
        assertThat(j.state()).isEqualTo("SUCCEEDED");
        assertThat(j.tablesTotal()).isEqualTo(3);
        assertThat(j.tablesDone()).isEqualTo(3);
        assertThat(j.snapshot()).isNotNull();
        assertThat(j.finishedAt()).isAfter(j.startedAt());
        assertThat(j.result()).containsKeys("seedFiles", "sizeBytes");
        assertThat(agent.catalog().current("shop")).contains(j.snapshot());
        assertThat(t.datasets()).contains(t.root + "/templates/shop/" + j.snapshot() + "@ready");
        assertThat(t.containers()).noneMatch(c -> "build".equals(c.labels().get("dolly.kind")));
        var c = api.create(new dev.dolly.agent.api.CreateCloneRequest("check", "shop", null, "u", null, false));
        try (Connection conn = ItAgent.connect(c); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), min(note) FROM customer")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(500);
            assertThat(rs.getString(2)).isEqualTo("v10 ran last");
        }
        api.destroy("check");
    }

    @Test
    void aFailingSeedDiscardsTheBuild() throws Exception {
        JobView j = await(api.refresh("bad"));
        assertThat(j.state()).isEqualTo("FAILED");
        assertThat(j.error()).contains("phase seed").contains("1.sql").contains("relation \"nope\" does not exist");
        assertThat(t.datasets()).noneMatch(d -> d.contains("/templates/bad/"));
        assertThat(agent.catalog().current("bad")).isEmpty();
        JobView missing = await(api.refresh("missing"));
        assertThat(missing.state()).isEqualTo("FAILED");
        assertThat(missing.error()).contains("phase guard").contains("does not exist");
        assertThat(t.datasets()).noneMatch(d -> d.contains("/templates/missing/"));
    }

    @Test
    void oneJobPerTemplateAndCancelDiscards() throws Exception {
        JobView first = api.refresh("slow");
        JobView again = api.refresh("slow");
        assertThat(again.id()).isEqualTo(first.id());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!"seed".equals(api.job(first.id()).phase()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(t.datasets()).anyMatch(d -> d.contains("/templates/slow/"));
        api.cancelJob(first.id());
        JobView done = await(api.job(first.id()));
        assertThat(done.state()).isEqualTo("CANCELLED");
        assertThat(done.error()).contains("cancelled in phase seed");
        assertThat(t.datasets()).noneMatch(d -> d.contains("/templates/slow/"));
        assertThat(t.containers()).noneMatch(c -> "slow".equals(c.labels().get("dolly.template")));
        assertThat(api.refresh("slow").id()).isNotEqualTo(first.id()); // a new job once the old one ended
        api.cancelJob(api.refresh("slow").id());
        await(api.refresh("slow"));
    }
}
