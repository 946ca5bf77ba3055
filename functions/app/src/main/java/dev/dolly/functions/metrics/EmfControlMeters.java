package dev.dolly.functions.metrics;

import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.function.Consumer;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * {@link ControlMeters} on Lambda: CloudWatch embedded metric format records written by AWS's
 * {@code aws-embedded-metrics} library (Lambda's log becomes the metrics), in one namespace. Every metric is also
 * published without dimensions, the series the CDK app's alarms watch: {@code Commands}, {@code CommandErrors} (internal
 * or unavailable),
 * {@code CommandLatency}, {@code AuthorizationDenials}, {@code SignatureFailures}, {@code HostHeartbeatAgeSeconds}
 * (the stalest host).
 */
public final class EmfControlMeters implements ControlMeters {
    private static final Logger log = LoggerFactory.getLogger(EmfControlMeters.class);
    /** Outcomes that are the service's fault (an alarm's concern), not the caller's (forbidden, not found, quota, …). */
    static final java.util.Set<String> SERVER_ERRORS = java.util.Set.of("internal", "unavailable");
    private final String namespace;
    private final Supplier<MetricsLogger> loggers;

    /** Records to Lambda's log (standard output), whichever environment this runs in: only Lambda configures it. */
    public EmfControlMeters(String namespace) {
        this(namespace, () -> new MetricsLogger(new LambdaEnvironment()));
    }

    /** {@code loggers}: a fresh logger per record. */
    public EmfControlMeters(String namespace, Supplier<MetricsLogger> loggers) {
        this.namespace = namespace;
        this.loggers = loggers;
    }

    @Override
    public void command(String verb, String front, String outcome, long nanos) {
        emit(m -> {
            m.setDimensions(DimensionSet.of("Verb", verb, "Outcome", outcome), new DimensionSet());
            m.putMetric("Commands", 1, Unit.COUNT);
            m.putMetric("CommandErrors", SERVER_ERRORS.contains(outcome) ? 1 : 0, Unit.COUNT);
            m.putMetric("CommandLatency", nanos / 1e6, Unit.MILLISECONDS);
            m.putProperty("front", front);
        });
    }

    @Override
    public void denied(String verb, String front) {
        emit(m -> {
            m.setDimensions(DimensionSet.of("Verb", verb), new DimensionSet());
            m.putMetric("AuthorizationDenials", 1, Unit.COUNT);
            m.putProperty("front", front);
        });
    }

    @Override
    public void signatureFailure(String front) {
        emit(m -> {
            m.setDimensions(DimensionSet.of("Front", front), new DimensionSet());
            m.putMetric("SignatureFailures", 1, Unit.COUNT);
        });
    }

    @Override
    public void heartbeatAges(Map<String, Long> secondsByHost) {
        long worst = secondsByHost.isEmpty() ? ControlPlaneGauges.NEVER_SECONDS
                : secondsByHost.values().stream().mapToLong(Long::longValue).max().orElse(0);
        emit(m -> {
            m.setDimensions(new DimensionSet());
            m.putMetric("HostHeartbeatAgeSeconds", worst, Unit.SECONDS);
        });
        secondsByHost.forEach((host, age) -> emit(m -> {
            m.setDimensions(DimensionSet.of("Host", host));
            m.putMetric("HostHeartbeatAgeSeconds", age, Unit.SECONDS);
        }));
    }

    private void emit(Consumer<MetricsLogger> record) {
        try {
            MetricsLogger m = loggers.get();
            m.setNamespace(namespace);
            record.accept(m);
            m.flush();
        } catch (RuntimeException e) {
            log.warn("metrics: cannot write an embedded-metric record: {}", e.toString()); // never fails the command it measures
        }
    }
}
