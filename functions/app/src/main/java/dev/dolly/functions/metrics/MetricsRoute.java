package dev.dolly.functions.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /metrics} of the local server: the Prometheus text format (0.0.4) of its registry. */
@RestController
@ConditionalOnWebApplication
@ConditionalOnClass(name = LocalMetricsConfiguration.PROMETHEUS)
public class MetricsRoute {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private final ObjectProvider<PrometheusMeterRegistry> registry;

    public MetricsRoute(ObjectProvider<PrometheusMeterRegistry> registry) {
        this.registry = registry;
    }

    @GetMapping("/metrics")
    public ResponseEntity<String> metrics() {
        PrometheusMeterRegistry r = registry.getIfAvailable();
        if (r == null) {
            return ResponseEntity.status(503).body("metrics export is off (management.prometheus.metrics.export.enabled=false, or a test)\n");
        }
        return ResponseEntity.ok().header("Content-Type", CONTENT_TYPE).body(r.scrape());
    }
}
