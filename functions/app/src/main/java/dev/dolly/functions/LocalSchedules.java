package dev.dolly.functions;

import dev.dolly.functions.service.HostMonitor;
import dev.dolly.functions.service.Reaper;
import dev.dolly.functions.service.RefreshTracker;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    private static final Logger log = LoggerFactory.getLogger(LocalSchedules.class);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dolly-schedules");
        t.setDaemon(true);
        return t;
    });
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
        long hb = settings.reaper().heartbeatOrDefault().toMillis();
        long sweep = settings.reaper().intervalOrDefault().toMillis();
        timer.scheduleWithFixedDelay(() -> guarded("heartbeat", () -> {
            monitor.heartbeatAll();
            refreshes.pollRunning();
        }), 0, hb, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> guarded("reaper", reaper::run), sweep, sweep, TimeUnit.MILLISECONDS);
    }

    private static void guarded(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("{} failed: {}", what, e.toString());
        }
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
