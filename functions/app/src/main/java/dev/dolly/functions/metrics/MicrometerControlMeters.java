package dev.dolly.functions.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@link ControlMeters} as Micrometer meters (the local server's Prometheus registry). */
public final class MicrometerControlMeters implements ControlMeters {
    private static final Duration[] COMMAND_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};
    private final MeterRegistry registry;

    public MicrometerControlMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void command(String verb, String front, String outcome, long nanos) {
        Timer.builder("dolly.commands").description("Commands by verb, front and outcome (ok or the error kind).")
                .tags("verb", verb, "front", front, "outcome", outcome).serviceLevelObjectives(COMMAND_BUCKETS)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void denied(String verb, String front) {
        Counter.builder("dolly.authorization.denials").description("Commands the authorizer refused, by verb and front.")
                .tags("verb", verb, "front", front).register(registry).increment();
    }

    @Override
    public void signatureFailure(String front) {
        Counter.builder("dolly.signature.failures").description("Requests refused for their signature, by front.")
                .tag("front", front).register(registry).increment();
    }

    @Override
    public void heartbeatAges(Map<String, Long> secondsByHost) {
        // read at scrape time by ControlPlaneGauges
    }
}
