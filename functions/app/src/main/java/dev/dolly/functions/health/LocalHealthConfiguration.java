package dev.dolly.functions.health;

import dev.dolly.functions.DollySettings;
import dev.dolly.functions.config.DollyConfig;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.Dynamo;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The local server's Actuator health contributors, {@code dynamo} and {@code agents}: with the readiness state they
 * make the readiness group ({@code /actuator/health/readiness}, application.yaml); liveness is the process's own.
 * Not in the Lambda jar (no Actuator there).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
public class LocalHealthConfiguration {
    @Bean
    DynamoHealthIndicator dynamoHealthIndicator(Dynamo dynamo, DollySettings s) {
        return new DynamoHealthIndicator(dynamo.client(), s.dynamodb().tableOrDefault());
    }

    @Bean
    AgentsHealthIndicator agentsHealthIndicator(DollyConfig config, DollyStore store, Clock clock) {
        return new AgentsHealthIndicator(config, store, clock);
    }
}
