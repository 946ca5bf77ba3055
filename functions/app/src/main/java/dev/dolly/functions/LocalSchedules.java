package dev.dolly.functions;

import dev.dolly.functions.local.LocalTimer;
import dev.dolly.functions.service.HostMonitor;
import dev.dolly.functions.service.Reaper;
import dev.dolly.functions.service.RefreshTracker;
import java.time.Duration;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * On the local server only (on AWS, EventBridge invokes {@code reaper}): heartbeats and refresh
 * polls every few seconds, and the reaper sweep every minute.
 */
@Component
@ConditionalOnWebApplication
@ConditionalOnProperty(prefix = "dolly.reaper", name = "local-schedule", havingValue = "true", matchIfMissing = true)
public class LocalSchedules implements DisposableBean {
    private final LocalTimer timer = new LocalTimer("dolly-schedules");
    private final Reaper reaper;
    private final HostMonitor monitor;
    private final RefreshTracker refreshes;
    private final DollySettings settings;

    public LocalSchedules(Reaper reaper, HostMonitor monitor, RefreshTracker refreshes, DollySettings settings) {
        this.reaper = reaper;
        this.monitor = monitor;
        this.refreshes = refreshes;
        this.settings = settings;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        Duration hb = settings.reaper().heartbeatOrDefault();
        Duration sweep = settings.reaper().intervalOrDefault();
        timer.every("heartbeat", Duration.ZERO, hb, () -> {
            monitor.heartbeatAll();
            refreshes.pollRunning();
        });
        timer.every("reaper", sweep, sweep, reaper::run);
    }

    @Override
    public void destroy() {
        timer.close();
    }
}
