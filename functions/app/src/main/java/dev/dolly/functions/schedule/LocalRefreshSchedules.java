package dev.dolly.functions.schedule;

import dev.dolly.control.api.CommandPort;
import dev.dolly.functions.config.DollyConfig;
import dev.dolly.functions.local.LocalTimer;
import dev.dolly.functions.store.DollyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * On the local server only (on AWS, EventBridge Scheduler invokes {@code scheduledRefresh}): ticks the
 * {@link RefreshScheduler} every {@code dolly.schedules.tick} (default 15 s), in the time zone
 * {@code dolly.schedules.timezone} (default UTC, as EventBridge). Off with the other local sweeps
 * ({@code dolly.reaper.local-schedule=false}).
 */
@Component
@ConditionalOnWebApplication
@ConditionalOnProperty(prefix = "dolly.reaper", name = "local-schedule", havingValue = "true", matchIfMissing = true)
public class LocalRefreshSchedules implements DisposableBean {
    private final LocalTimer timer = new LocalTimer("dolly-refresh-schedules");
    private final RefreshScheduler scheduler;
    private final Duration tick;

    public LocalRefreshSchedules(DollyConfig config, DollyStore store, CommandPort commands, Clock clock,
                                 @Value("${dolly.schedules.tick:15s}") Duration tick,
                                 @Value("${dolly.schedules.timezone:UTC}") String zone) {
        this.scheduler = new RefreshScheduler(expressions(config), ZoneId.of(zone), store, commands, clock);
        this.tick = tick;
    }

    static Map<String, String> expressions(DollyConfig config) {
        Map<String, String> out = new LinkedHashMap<>();
        config.templates().forEach((name, t) -> {
            if (t.refresh() != null && t.refresh().schedule() != null && !t.refresh().schedule().isBlank()) {
                out.put(name, t.refresh().schedule());
            }
        });
        return out;
    }

    public RefreshScheduler scheduler() { return scheduler; }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        timer.every("refresh schedules", Duration.ZERO, tick, scheduler::tick);
    }

    @Override
    public void destroy() {
        timer.close();
    }
}
