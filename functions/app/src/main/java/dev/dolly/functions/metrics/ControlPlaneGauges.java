package dev.dolly.functions.metrics;

import dev.dolly.control.api.CloneState;
import dev.dolly.functions.config.DollyConfig;
import dev.dolly.functions.store.CloneItem;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.HostItem;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The control plane's gauges, read from DynamoDB at scrape time: each configured host's heartbeat age and health, and
 * clones by template and state (one scan per scrape, kept a second so the series of one scrape agree).
 */
public final class ControlPlaneGauges implements MeterBinder {
    /** A host never seen healthy counts as a day old (as the reaper's alarm metric). */
    static final long NEVER_SECONDS = 86_400;
    private final DollyConfig config;
    private final DollyStore store;
    private final Clock clock;
    private volatile Counts counts = new Counts(Instant.EPOCH, Map.of());

    private record Counts(Instant at, Map<String, Map<CloneState, Integer>> byTemplate) {}

    public ControlPlaneGauges(DollyConfig config, DollyStore store, Clock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (DollyConfig.HostConfig h : config.hosts()) {
            String name = h.name();
            Gauge.builder("dolly.agent.heartbeat.age.seconds", () -> heartbeatAge(name))
                    .description("Seconds since each agent's last healthy heartbeat (a day when never seen healthy).")
                    .tag("host", name).register(registry);
            Gauge.builder("dolly.agent.healthy", () -> {
                HostItem item = store.host(name);
                return item != null && item.isHealthy() ? 1 : 0;
            }).description("1 while the agent's last heartbeat was healthy.").tag("host", name).register(registry);
        }
        for (String template : config.templates().keySet()) {
            for (CloneState state : CloneState.values()) {
                if (state == CloneState.GONE) {
                    continue;
                }
                Gauge.builder("dolly.clones", () -> clones(template, state))
                        .description("Clones the control plane records, by template and state.")
                        .tags("template", template, "state", state.name().toLowerCase()).register(registry);
            }
        }
    }

    long heartbeatAge(String host) {
        HostItem item = store.host(host);
        Instant seen = item == null ? null : item.getLastSeenHealthy();
        return seen == null ? NEVER_SECONDS : Math.max(0, Duration.between(seen, clock.instant()).toSeconds());
    }

    int clones(String template, CloneState state) {
        Counts c = counts;
        Instant now = clock.instant();
        if (Duration.between(c.at(), now).compareTo(Duration.ofSeconds(1)) > 0 || c.at().isAfter(now)) {
            Map<String, Map<CloneState, Integer>> m = new HashMap<>();
            List<CloneItem> all = store.allClones();
            for (CloneItem i : all) {
                if (i.getTemplate() != null && i.getState() != null) {
                    m.computeIfAbsent(i.getTemplate(), k -> new EnumMap<>(CloneState.class)).merge(i.getState(), 1, Integer::sum);
                }
            }
            c = new Counts(now, m);
            counts = c;
        }
        return c.byTemplate().getOrDefault(template, Map.of()).getOrDefault(state, 0);
    }
}
