package dev.dolly.agent.metrics;

import dev.dolly.agent.api.ErrorCode;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Supplier;

/**
 * Operation latencies (histograms), failures by code, and gauges, in the Prometheus text format
 * (version 0.0.4). No client library: the agent exposes a handful of series.
 */
public final class Metrics {
    private static final double[] BUCKETS = {0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2.5, 5, 10, 30, 60, 300, 1800};
    private final Map<String, Histogram> latencies = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();

    private static final class Histogram {
        final AtomicLong[] counts = new AtomicLong[BUCKETS.length];
        final AtomicLong count = new AtomicLong();
        final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new AtomicLong();
            }
        }

        void observe(double seconds) {
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    counts[i].incrementAndGet();
                }
            }
            count.incrementAndGet();
            sum.add(seconds);
        }
    }

    private record Gauge(String help, Supplier<Number> value) {}

    /** Records one successful operation's duration. */
    public void observe(String operation, double seconds) {
        latencies.computeIfAbsent(operation, k -> new Histogram()).observe(seconds);
    }

    public void failure(String operation, ErrorCode code) {
        failures.computeIfAbsent(operation + "\u0000" + code.name(), k -> new AtomicLong()).incrementAndGet();
    }

    /** Registers a gauge {@code dolly_<name>} read at scrape time. */
    public void gauge(String name, String help, Supplier<Number> value) {
        gauges.put(name, new Gauge(help, value));
    }

    public long count(String operation) {
        Histogram h = latencies.get(operation);
        return h == null ? 0 : h.count.get();
    }

    public String render() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Gauge> e : new TreeMap<>(gauges).entrySet()) {
            Number v;
            try {
                v = e.getValue().value().get();
            } catch (RuntimeException ex) {
                continue; // a gauge that cannot be read now is left out of this scrape
            }
            b.append("# HELP dolly_").append(e.getKey()).append(' ').append(e.getValue().help()).append('\n');
            b.append("# TYPE dolly_").append(e.getKey()).append(" gauge\n");
            b.append("dolly_").append(e.getKey()).append(' ').append(num(v.doubleValue())).append('\n');
        }
        b.append("# HELP dolly_operation_duration_seconds Duration of successful agent operations.\n");
        b.append("# TYPE dolly_operation_duration_seconds histogram\n");
        for (Map.Entry<String, Histogram> e : new TreeMap<>(latencies).entrySet()) {
            Histogram h = e.getValue();
            String op = e.getKey();
            for (int i = 0; i < BUCKETS.length; i++) {
                b.append("dolly_operation_duration_seconds_bucket{operation=\"").append(op).append("\",le=\"").append(num(BUCKETS[i]))
                        .append("\"} ").append(h.counts[i].get()).append('\n');
            }
            b.append("dolly_operation_duration_seconds_bucket{operation=\"").append(op).append("\",le=\"+Inf\"} ").append(h.count.get()).append('\n');
            b.append("dolly_operation_duration_seconds_sum{operation=\"").append(op).append("\"} ").append(num(h.sum.sum())).append('\n');
            b.append("dolly_operation_duration_seconds_count{operation=\"").append(op).append("\"} ").append(h.count.get()).append('\n');
        }
        b.append("# HELP dolly_operation_failures_total Failed agent operations by error code.\n");
        b.append("# TYPE dolly_operation_failures_total counter\n");
        for (Map.Entry<String, AtomicLong> e : new TreeMap<>(failures).entrySet()) {
            String[] k = e.getKey().split("\u0000");
            b.append("dolly_operation_failures_total{operation=\"").append(k[0]).append("\",code=\"").append(k[1]).append("\"} ")
                    .append(e.getValue().get()).append('\n');
        }
        return b.toString();
    }

    private static String num(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return String.format(Locale.ROOT, "%s", d);
    }
}
