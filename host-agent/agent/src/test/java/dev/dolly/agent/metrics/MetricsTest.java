package dev.dolly.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.agent.api.ErrorCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private final Metrics m = new Metrics();

    @AfterEach
    void close() {
        m.close();
    }

    @Test
    void rendersClonesRefreshesRefusalsAndGaugesInThePrometheusTextFormat() {
        m.gauge("dolly.ports.configured", "Clone ports configured.", () -> 3);
        m.gauge("dolly.broken", "A gauge that fails.", () -> { throw new IllegalStateException("no zfs"); });
        m.cloneOperation("create", "ok", 400_000_000L);
        m.cloneOperation("create", "ok", 2_000_000_000L);
        m.cloneFailed("create", ErrorCode.POOL_FULL, 10_000_000L);
        m.refresh("shop", "succeeded", 30_000_000_000L);
        String t = m.render();
        assertThat(t).contains("# TYPE dolly_ports_configured gauge\n").contains("\ndolly_ports_configured 3.0\n");
        assertThat(t).doesNotContain("dolly_broken");
        assertThat(t).contains("dolly_clone_operation_seconds_bucket{operation=\"create\",outcome=\"ok\",le=\"0.5\"} 1\n");
        assertThat(t).contains("dolly_clone_operation_seconds_bucket{operation=\"create\",outcome=\"ok\",le=\"+Inf\"} 2\n");
        assertThat(t).contains("dolly_clone_operation_seconds_count{operation=\"create\",outcome=\"ok\"} 2\n");
        assertThat(t).contains("dolly_clone_operation_seconds_sum{operation=\"create\",outcome=\"ok\"} 2.4\n");
        assertThat(t).contains("dolly_clone_operation_seconds_count{operation=\"create\",outcome=\"pool_full\"} 1\n");
        assertThat(t).contains("dolly_quota_refusals_total{operation=\"create\",reason=\"pool_full\"} 1.0\n");
        assertThat(t).contains("dolly_refresh_seconds_count{outcome=\"succeeded\",template=\"shop\"} 1\n");
        assertThat(m.count("create", "ok")).isEqualTo(2);
    }

    @Test
    void includesJvmProcessAndSystemMeters() {
        String t = m.render();
        assertThat(t).contains("jvm_memory_used_bytes{").contains("jvm_threads_live_threads ").contains("process_uptime_seconds ")
                .contains("process_cpu_usage ").contains("jvm_classes_loaded_classes ");
    }

    @Test
    void escapesQuotesBackslashesAndNewlinesInLabelValues() {
        Metrics.Rows rows = m.rows("dolly.escape.test", "Label escaping.", "template");
        rows.set(Map.of(List.of("a \"quoted\" back\\slash\nnew line"), 1));
        String t = m.render();
        assertThat(t).contains("dolly_escape_test{template=\"a \\\"quoted\\\" back\\\\slash\\nnew line\"} 1.0\n");
        assertThat(t.lines().filter(l -> l.startsWith("dolly_escape_test")).count()).as("one line: the newline is escaped").isEqualTo(1);
    }

    @Test
    void rowsReplaceTheirSeriesAndAFailedReadLeavesThemOut() {
        Metrics.Rows rows = m.rows("dolly.clones", "Clones.", "template", "state");
        boolean[] fail = {false};
        m.onScrape(() -> {
            if (fail[0]) {
                throw new IllegalStateException("zfs gone");
            }
            rows.set(Map.of(List.of("shop", "ready"), 2, List.of("crm", "creating"), 1));
        }, rows);
        assertThat(m.render()).contains("dolly_clones{state=\"ready\",template=\"shop\"} 2.0\n")
                .contains("dolly_clones{state=\"creating\",template=\"crm\"} 1.0\n");
        fail[0] = true;
        assertThat(m.render()).doesNotContain("dolly_clones{");
    }

    @Test
    void signatureFailuresAndHttpRequestsAreCountedByReasonAndRouteTemplate() {
        m.signatureFailure("replayed");
        m.httpRequest("GET", "/v1/clones/{clone}", 200, 5_000_000L);
        String t = m.render();
        assertThat(t).contains("dolly_signature_failures_total{reason=\"replayed\"} 1.0\n");
        assertThat(t).contains("http_server_requests_seconds_count{method=\"GET\",outcome=\"SUCCESS\",status=\"200\",uri=\"/v1/clones/{clone}\"} 1\n");
    }
}
