package dev.dolly.functions.metrics;

import dev.dolly.functions.agent.AgentClients;
import dev.dolly.functions.config.DollyConfig;
import dev.dolly.functions.store.DollyStore;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The local server's meters, in the registry Spring Boot Actuator makes (Prometheus; JVM, process and HTTP server
 * meters come with it): the domain meters, the gauges read from DynamoDB, and the agent clients' circuit breakers,
 * retries and bulkheads. None of it is in the Lambda jar (its shade leaves Micrometer's registries out).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = LocalMetricsConfiguration.PROMETHEUS)
public class LocalMetricsConfiguration {
    static final String PROMETHEUS = "io.micrometer.prometheusmetrics.PrometheusMeterRegistry";

    @Bean
    ControlMeters controlMeters(ObjectProvider<MeterRegistry> registry) {
        return new MicrometerControlMeters(registry.getIfAvailable(SimpleMeterRegistry::new));
    }

    @Bean
    ControlPlaneGauges controlPlaneGauges(DollyConfig config, DollyStore store, Clock clock) {
        return new ControlPlaneGauges(config, store, clock);
    }

    @Bean
    MeterBinder agentResilienceMeters(AgentClients agents) {
        return registry -> {
            TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(agents.breakers()).bindTo(registry);
            TaggedRetryMetrics.ofRetryRegistry(agents.retries()).bindTo(registry);
            TaggedBulkheadMetrics.ofBulkheadRegistry(agents.bulkheads()).bindTo(registry);
        };
    }
}
