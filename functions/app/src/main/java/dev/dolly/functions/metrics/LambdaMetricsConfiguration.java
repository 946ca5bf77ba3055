package dev.dolly.functions.metrics;

import dev.dolly.functions.DollySettings;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * On Lambda (no Prometheus registry in the jar): the meters go out as CloudWatch embedded metric format in
 * {@code dolly.metrics.namespace}; without a namespace, nowhere.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingClass(LocalMetricsConfiguration.PROMETHEUS)
public class LambdaMetricsConfiguration {
    @Bean
    ControlMeters controlMeters(DollySettings s) {
        String ns = s.metrics().namespace();
        return ns == null || ns.isBlank() ? ControlMeters.NONE : new EmfControlMeters(ns);
    }
}
