package dev.dolly.functions.local;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local server's clock for its sweeps (on AWS, EventBridge invokes the functions instead): one daemon
 * thread running tasks at a fixed delay; a task that fails is logged and runs again at its next turn.
 */
public final class LocalTimer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalTimer.class);
    private final ScheduledExecutorService timer;

    /** @param thread the name of its thread */
    public LocalTimer(String thread) {
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, thread);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code task} after {@code first}, then {@code every} after each run ends. */
    public void every(String what, Duration first, Duration every, Runnable task) {
        timer.scheduleWithFixedDelay(() -> {
            // each run under a request id of its own
            try (dev.dolly.agent.api.RequestIds.Scope ignored = dev.dolly.agent.api.RequestIds.fresh(dev.dolly.agent.api.RequestIds.make())) {
                task.run();
            } catch (RuntimeException e) {
                log.warn("{} failed: {}", what, e.toString());
            }
        }, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
