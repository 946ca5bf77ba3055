package dev.dolly.functions.health;

import dev.dolly.functions.config.DollyConfig;
import dev.dolly.functions.service.HostMonitor;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.HostItem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The host agents as the heartbeats recorded them: UP while at least one configured agent's last heartbeat was healthy
 * and younger than {@link HostMonitor#STALE_AFTER} (a clone can be placed), DOWN otherwise; each host's state in the
 * details.
 */
public final class AgentsHealthIndicator implements HealthIndicator {
    private final DollyConfig config;
    private final DollyStore store;
    private final Clock clock;

    public AgentsHealthIndicator(DollyConfig config, DollyStore store, Clock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Health health() {
        Instant now = clock.instant();
        Map<String, Object> hosts = new LinkedHashMap<>();
        int ready = 0;
        for (DollyConfig.HostConfig h : config.hosts()) {
            HostItem item = store.host(h.name());
            Map<String, Object> d = new LinkedHashMap<>();
            boolean fresh = item != null && item.getLastHeartbeat() != null
                    && Duration.between(item.getLastHeartbeat(), now).compareTo(HostMonitor.STALE_AFTER) <= 0;
            boolean healthy = item != null && item.isHealthy() && fresh;
            d.put("healthy", healthy);
            if (item != null) {
                d.put("lastHeartbeat", String.valueOf(item.getLastHeartbeat()));
                d.put("lastSeenHealthy", String.valueOf(item.getLastSeenHealthy()));
                d.put("freeBytes", item.getFreeBytes());
                d.put("clones", item.getClones());
                if (item.getError() != null) {
                    d.put("error", item.getError());
                } else if (!fresh) {
                    d.put("error", "no heartbeat for more than " + HostMonitor.STALE_AFTER.toMinutes() + " minutes");
                }
            } else {
                d.put("error", "no heartbeat yet");
            }
            hosts.put(h.name(), d);
            if (healthy) {
                ready++;
            }
        }
        return (ready > 0 ? Health.up() : Health.down()).withDetail("healthy", ready).withDetail("hosts", hosts).build();
    }
}
