package dev.dolly.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.agent.api.ErrorCode;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void rendersPrometheusText() {
        Metrics m = new Metrics();
        m.gauge("clones", "Clones on this host.", () -> 3);
        m.gauge("broken", "A gauge that fails.", () -> { throw new IllegalStateException("no zfs"); });
        m.observe("create", 0.4);
        m.observe("create", 2.0);
        m.failure("create", ErrorCode.POOL_FULL);
        String t = m.render();
        assertThat(t).contains("# TYPE dolly_clones gauge\ndolly_clones 3\n");
        assertThat(t).doesNotContain("dolly_broken");
        assertThat(t).contains("dolly_operation_duration_seconds_bucket{operation=\"create\",le=\"0.5\"} 1\n");
        assertThat(t).contains("dolly_operation_duration_seconds_bucket{operation=\"create\",le=\"+Inf\"} 2\n");
        assertThat(t).contains("dolly_operation_duration_seconds_count{operation=\"create\"} 2\n");
        assertThat(t).contains("dolly_operation_duration_seconds_sum{operation=\"create\"} 2.4\n");
        assertThat(t).contains("dolly_operation_failures_total{operation=\"create\",code=\"POOL_FULL\"} 1\n");
        assertThat(m.count("create")).isEqualTo(2);
    }
}
