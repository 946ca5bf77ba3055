package dev.dolly.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.agent.Agent;
import dev.dolly.agent.api.AgentPaths;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.HealthResponse;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.client.AgentClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} of a real agent after a refresh and a clone's create, reset and destroy: the domain series
 * carry the right counts and values, the HTTP server's by route template.
 */
@Tag("integration")
class MetricsScrapeTest {
    private static TestRoot t;
    private static Agent agent;
    private static AgentClient api;

    @BeforeAll
    static void start() throws Exception {
        t = new TestRoot();
        var seed = ItAgent.seed(t.workDir, ItAgent.SHOP_SQL);
        var broken = java.nio.file.Files.createDirectories(t.workDir.resolve("broken-seed"));
        java.nio.file.Files.writeString(broken.resolve("V1__broken.sql"), "CREATE TABLE t(id bigint);\nINSERT INTO no_such_table VALUES (1);\n");
        agent = ItAgent.start(t.config(21700, 21709, """
                shop:
                  database: shop
                  seed: [ %s ]
                  clone: { memory: 256m, quota: 1g }
                broken:
                  database: broken
                  seed: [ %s ]
                """.formatted(seed, broken)));
        api = ItAgent.client(agent);
        ItAgent.build(api, "shop");
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

    /** The value of one series ({@code name{labels}} exactly as scraped), or empty. */
    static OptionalDouble value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst();
    }

    @Test
    void aCloneLifecycleShowsInTheDomainSeries() throws Exception {
        String before = api.metrics();
        assertThat(value(before, "dolly_refresh_seconds_count{outcome=\"succeeded\",template=\"shop\"}")).hasValue(1);
        assertThat(value(before, "dolly_clones{state=\"ready\",template=\"shop\"}")).hasValue(0);
        assertThat(value(before, "dolly_template_snapshot_age_seconds{template=\"shop\"}").orElseThrow()).isBetween(0.0, 600.0);
        assertThat(value(before, "dolly_template_last_refresh_success_age_seconds{template=\"shop\"}").orElseThrow()).isBetween(0.0, 600.0);
        assertThat(value(before, "dolly_spares_ready{template=\"shop\"}")).hasValue(0);
        long size = (long) value(before, "dolly_pool_size_bytes").orElseThrow();
        long free = (long) value(before, "dolly_pool_free_bytes").orElseThrow();
        assertThat(size).isPositive().isGreaterThan(free);
        assertThat(value(before, "dolly_pool_used_bytes")).hasValue(size - free);
        assertThat(value(before, "dolly_pool_reserve_bytes").orElseThrow()).isPositive();
        assertThat(value(before, "dolly_ports_configured")).hasValue(10);
        assertThat(value(before, "dolly_health_degraded{component=\"docker\"}")).hasValue(0);
        assertThat(value(before, "dolly_health_degraded{component=\"refresh:shop\"}")).hasValue(0);
        assertThat(before).contains("jvm_memory_used_bytes{").contains("process_cpu_usage ").contains("jvm_gc_");

        api.create(new CreateCloneRequest("m1", "shop", null, "slack:U024BE7LH", null, false));
        String created = api.metrics();
        assertThat(value(created, "dolly_clones{state=\"ready\",template=\"shop\"}")).hasValue(1);
        assertThat(value(created, "dolly_clone_used_bytes{clone=\"m1\",template=\"shop\"}").orElseThrow()).isPositive();
        assertThat(value(created, "dolly_ports_in_use")).hasValue(1);

        api.reset("m1", null);
        api.destroy("m1");
        agent.clones().awaitDestroys(java.time.Duration.ofSeconds(60)); // the container and its port go in the background
        HttpResponse<String> unsigned = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + agent.httpPort()).resolve(AgentPaths.clone("m1"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(401);

        String after = api.metrics();
        for (String op : new String[] {"create", "reset", "destroy"}) {
            assertThat(value(after, "dolly_clone_operation_seconds_count{operation=\"" + op + "\",outcome=\"ok\"}")).as(op).hasValue(1);
            assertThat(value(after, "dolly_clone_operation_seconds_bucket{operation=\"" + op + "\",outcome=\"ok\",le=\"+Inf\"}")).as(op).hasValue(1);
            assertThat(value(after, "dolly_clone_operation_seconds_sum{operation=\"" + op + "\",outcome=\"ok\"}").orElseThrow()).as(op).isPositive();
        }
        assertThat(value(after, "dolly_clones{state=\"ready\",template=\"shop\"}")).hasValue(0);
        assertThat(after).doesNotContain("clone=\"m1\"");
        assertThat(value(after, "dolly_ports_in_use")).hasValue(0);
        assertThat(value(after, "http_server_requests_seconds_count{method=\"POST\",outcome=\"SUCCESS\",status=\"201\",uri=\"/v1/clones\"}")).hasValue(1);
        assertThat(value(after, "http_server_requests_seconds_count{method=\"POST\",outcome=\"SUCCESS\",status=\"200\",uri=\"/v1/clones/{clone}/reset\"}"))
                .hasValue(1);
        assertThat(value(after, "http_server_requests_seconds_count{method=\"DELETE\",outcome=\"SUCCESS\",status=\"204\",uri=\"/v1/clones/{clone}\"}"))
                .hasValue(1);
        assertThat(value(after, "dolly_signature_failures_total{reason=\"missing\"}")).hasValue(1);
        assertThat(after).doesNotContain("uri=\"/v1/clones/m1");

        HealthResponse h = api.health();
        assertThat(h.status()).isEqualTo("ok");
        assertThat(h.degraded()).noneMatch(d -> d.component().equals("zfs") || d.component().equals("docker")
                || d.component().equals("refresh:shop"));
    }

    @Test
    void aFailedRefreshIsCountedByOutcomeAndHealthSaysWhy() throws Exception {
        JobView j = api.refresh("broken");
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(3).toNanos();
        while ("RUNNING".equals(j.state()) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            j = api.job(j.id());
        }
        assertThat(j.state()).isEqualTo("FAILED");
        String jobId = j.id();
        String code = j.error().substring(0, j.error().indexOf(':')).toLowerCase(java.util.Locale.ROOT); // "REFRESH_FAILED: phase …"
        String m = api.metrics();
        assertThat(value(m, "dolly_refresh_seconds_count{outcome=\"" + code + "\",template=\"broken\"}")).hasValue(1);
        assertThat(m).doesNotContain("dolly_refresh_seconds_count{outcome=\"succeeded\",template=\"broken\"}");
        assertThat(m).doesNotContain("dolly_template_snapshot_age_seconds{template=\"broken\"}");
        assertThat(value(m, "dolly_health_degraded{component=\"refresh:broken\"}")).hasValue(1);
        assertThat(value(m, "dolly_health_degraded{component=\"zfs\"}")).hasValue(0);
        HealthResponse h = api.health();
        assertThat(h.status()).as("a failing refresh leaves the host placeable").isEqualTo("ok");
        assertThat(h.degraded()).anySatisfy(d -> {
            assertThat(d.component()).isEqualTo("refresh:broken");
            assertThat(d.reason()).contains(jobId).contains("failed").contains("previous snapshot");
        });
    }
}
