package dev.dolly.agent.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.dolly.agent.masking.MaskingConfig;
import dev.dolly.agent.process.LocalProcessRunner;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Cancel and a source that goes away in the middle of the data phase. */
@Tag("integration")
class RefreshFailureTest {

    static final String MASKING = """
            salt: failure-test-salt
            tables:
              public.big: {email: email, name: name, note: keep}
            """;

    private static PgServer bigSource() throws Exception {
        PgServer s = PgServer.start("src-big", false);
        s.exec("postgres", "CREATE DATABASE shop");
        s.exec("shop", "CREATE TABLE big (id bigint PRIMARY KEY, email text, name text, note text);"
                + "INSERT INTO big SELECT g, 'u' || g || '@corp.example.org', 'Person ' || g, repeat(md5(g::text), 2) "
                + "FROM generate_series(1, 1200000) g;"
                + "CREATE TABLE small (id int PRIMARY KEY); INSERT INTO small SELECT generate_series(1, 10);");
        return s;
    }

    private static CompletableFuture<Map<String, Object>> start(PgServer src, PgServer dst, JobProgress p) throws Exception {
        RefreshPipeline.Inputs in = new RefreshPipeline.Inputs("shop", src.source("shop", src.systemIdentifier()),
                MaskingConfig.parse(new YAMLMapper().readTree(MASKING), "m"), RefreshOptions.defaults().withWorkers(2), 15);
        RefreshPipeline pipeline = new RefreshPipeline(new LocalProcessRunner(), k -> null);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return pipeline.run(in, dst.target("shop"), p).asMap();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static void awaitRows(JobProgress p, CompletableFuture<?> f, long rows) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.rows() < rows && !f.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(f.isDone()).as("refresh finished before it could be interrupted").isFalse();
        assertThat(p.phase()).isEqualTo("data");
    }

    @Test
    void cancelStopsWorkersAndClosesEverySession() throws Exception {
        try (PgServer src = bigSource(); PgServer dst = PgServer.start("dst", true)) {
            dst.exec("postgres", "CREATE DATABASE shop");
            JobProgress p = new JobProgress(Clock.systemUTC());
            CompletableFuture<Map<String, Object>> f = start(src, dst, p);
            awaitRows(p, f, 50_000);
            long t0 = System.nanoTime();
            p.cancel();
            try {
                f.get(10, TimeUnit.SECONDS);
                throw new AssertionError("the refresh should have been cancelled");
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(CancellationException.class);
            }
            assertThat((System.nanoTime() - t0) / 1e9).as("seconds to stop").isLessThan(5);
            assertThat(sessionsGone(src)).as("dolly-refresh sessions left on the source").isTrue();
            // nothing of the interrupted table was committed on the target
            assertThat(dst.queryOne("shop", "SELECT count(*) FROM big")).isEqualTo("0");
        }
    }

    @Test
    void sourceStoppedMidCopyFailsTheDataPhaseNamingTheTable() throws Exception {
        try (PgServer src = bigSource(); PgServer dst = PgServer.start("dst", true)) {
            dst.exec("postgres", "CREATE DATABASE shop");
            JobProgress p = new JobProgress(Clock.systemUTC());
            CompletableFuture<Map<String, Object>> f = start(src, dst, p);
            awaitRows(p, f, 50_000);
            src.kill();
            try {
                f.get(30, TimeUnit.SECONDS);
                throw new AssertionError("the refresh should have failed");
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(RefreshException.class);
                RefreshException r = (RefreshException) e.getCause();
                assertThat(r.phase()).isEqualTo("data");
                assertThat(r.table()).isEqualTo("public.big");
                assertThat(r.getMessage()).startsWith("table public.big: ");
            }
            assertThat(dst.queryOne("shop", "SELECT count(*) FROM big")).isEqualTo("0");
        }
    }

    private static boolean sessionsGone(PgServer src) throws Exception {
        for (int i = 0; i < 50; i++) {
            String n = src.queryOne("postgres", "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'dolly-refresh'");
            if ("0".equals(n)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
