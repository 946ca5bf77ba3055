package dev.dolly.agent.metrics;

import dev.dolly.agent.api.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's meters in one Micrometer {@link PrometheusMeterRegistry}: JVM, process and system meters, the
 * agent's HTTP server, clone operations, refreshes, refusals and signature failures, and gauges read at scrape time
 * ({@link #onScrape}). {@link #render()} is the Prometheus text format (0.0.4) of {@code GET /metrics}; the
 * registry names and escapes every series. Tag values are validated names (templates, clones), route templates or
 * enum constants: never raw paths or free text.
 */
public final class Metrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Metrics.class);
    /** Clone operations and refreshes: from a warm spare (50 ms) to a large refresh (half an hour). */
    private static final Duration[] OPERATION_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2.5, 5, 10, 30, 60, 300, 1800);
    private static final Duration[] HTTP_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final List<ScrapeAction> beforeScrape = new CopyOnWriteArrayList<>();
    private final Map<String, List<String>> gauges = new java.util.concurrent.ConcurrentSkipListMap<>();

    public Metrics() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** One clone operation (create, reset, destroy, …) that ended with {@code outcome}: {@code ok} or its error code. */
    public void cloneOperation(String operation, String outcome, long nanos) {
        Timer.builder("dolly.clone.operation").description("Clone operations on this host by outcome (ok or the error code).")
                .tags("operation", operation, "outcome", outcome).serviceLevelObjectives(OPERATION_BUCKETS)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One refresh of a template that ended {@code succeeded}, {@code cancelled} or with its error code. */
    public void refresh(String template, String outcome, long nanos) {
        Timer.builder("dolly.refresh").description("Template refreshes by outcome (succeeded, cancelled or the error code).")
                .tags("template", template, "outcome", outcome).serviceLevelObjectives(OPERATION_BUCKETS)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A clone operation that failed with {@code code}; a full pool or no free port also counts as a refusal. */
    public void cloneFailed(String operation, ErrorCode code, long nanos) {
        cloneOperation(operation, code(code), nanos);
        if (isRefusal(code)) {
            refused(operation, code(code));
        }
    }

    /** A refresh that failed with {@code code} (a full pool also counts as a refusal). */
    public void refreshFailed(String template, ErrorCode code, long nanos) {
        refresh(template, code(code), nanos);
        if (isRefusal(code)) {
            refused("refresh", code(code));
        }
    }

    private static boolean isRefusal(ErrorCode code) {
        return code == ErrorCode.POOL_FULL || code == ErrorCode.PORTS_EXHAUSTED;
    }

    /** A request refused because the pool's reserve or the clone ports ran out ({@code reason}: the error code). */
    public void refused(String operation, String reason) {
        Counter.builder("dolly.quota.refusals").description("Requests refused for lack of pool space (reserve) or clone ports.")
                .tags("operation", operation, "reason", reason).register(registry).increment();
    }

    /** A request whose signature was missing, malformed, stale, wrong or replayed. */
    public void signatureFailure(String reason) {
        Counter.builder("dolly.signature.failures").description("Requests refused for their signature, by reason.")
                .tag("reason", reason).register(registry).increment();
    }

    /** One request to the agent's HTTP API; {@code uri} is the route template, never the raw path. */
    public void httpRequest(String method, String uri, int status, long nanos) {
        Timer.builder("http.server.requests").description("Requests to the agent's HTTP API by route template.")
                .tags(Tags.of("method", method, "uri", uri, "status", Integer.toString(status), "outcome", outcome(status)))
                .serviceLevelObjectives(HTTP_BUCKETS).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    private static String outcome(int status) {
        if (status >= 500) {
            return "SERVER_ERROR";
        }
        if (status >= 400) {
            return "CLIENT_ERROR";
        }
        return status >= 300 ? "REDIRECTION" : "SUCCESS";
    }

    /** How many {@code operation}s were timed with {@code outcome} (tests and benches). */
    public long count(String operation, String outcome) {
        Timer t = registry.find("dolly.clone.operation").tags("operation", operation, "outcome", outcome).timer();
        return t == null ? 0 : t.count();
    }

    /**
     * A gauge with one series per row, set by {@link Rows#set} (usually in an {@link #onScrape} action). Row keys
     * are the tag values in the order of {@code tagKeys}.
     */
    public Rows rows(String name, String help, String... tagKeys) {
        gauges.put(name, List.of(tagKeys));
        return new Rows(MultiGauge.builder(name).description(help).register(registry), List.of(tagKeys));
    }

    /** Every gauge made by {@link #rows} or {@link #gauge} (name → tag keys), whether it has a series now or not. */
    public Map<String, List<String>> declaredGauges() {
        return Map.copyOf(gauges);
    }

    /** A gauge without tags whose value is read at scrape time; one that cannot be read then is left out of that scrape. */
    public void gauge(String name, String help, Supplier<Number> value) {
        Rows r = rows(name, help);
        onScrape(() -> r.set(Map.of(List.of(), value.get())), r);
    }

    /**
     * Runs {@code action} before every scrape (it reads state and sets gauges); when it fails, the gauges
     * {@code itSets} are left out of that scrape rather than showing stale values, and the failure is logged at debug.
     */
    public void onScrape(Runnable action, Rows... itSets) {
        beforeScrape.add(new ScrapeAction(action, List.of(itSets)));
    }

    /** The Prometheus text format (0.0.4) of every meter, gauges read now. */
    public synchronized String render() {
        for (ScrapeAction a : beforeScrape) {
            try {
                a.action().run();
            } catch (RuntimeException e) {
                log.debug("metrics: a gauge cannot be read now: {}", e.getMessage());
                a.itSets().forEach(Rows::clear);
            }
        }
        return registry.scrape();
    }

    /** Content type of {@link #render()}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private record ScrapeAction(Runnable action, List<Rows> itSets) {}

    /** The rows of one gauge. */
    public static final class Rows {
        private final MultiGauge gauge;
        private final List<String> keys;

        Rows(MultiGauge gauge, List<String> keys) {
            this.gauge = gauge;
            this.keys = keys;
        }

        /** Replaces every row: tag values (in the order of the gauge's tag keys) → value. */
        public void set(Map<List<String>, ? extends Number> values) {
            List<MultiGauge.Row<?>> rows = new ArrayList<>(values.size());
            values.forEach((tagValues, v) -> {
                if (tagValues.size() != keys.size()) {
                    throw new IllegalArgumentException("gauge rows need " + keys.size() + " tag values, got " + tagValues);
                }
                Tags tags = Tags.empty();
                for (int i = 0; i < keys.size(); i++) {
                    tags = tags.and(keys.get(i), tagValues.get(i));
                }
                rows.add(MultiGauge.Row.of(tags, v));
            });
            gauge.register(rows, true);
        }

        public void clear() {
            gauge.register(List.of(), true);
        }
    }

    private static Duration[] seconds(double... s) {
        Duration[] d = new Duration[s.length];
        for (int i = 0; i < s.length; i++) {
            d[i] = Duration.ofNanos((long) (s[i] * 1e9));
        }
        return d;
    }

    /** An error code as a tag value. */
    public static String code(Enum<?> code) {
        return code.name().toLowerCase(Locale.ROOT);
    }
}
