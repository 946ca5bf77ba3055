package dev.dolly.agent;

import dev.dolly.config.Durations;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection for tests that kill the agent in the middle of an operation: the system
 * property {@code dolly.agent.fault=<point>=<duration>} makes the agent pause at that point
 * (e.g. {@code create.after-container=60s}). Unset in production: {@link #pause} is then a no-op.
 */
public final class Faults {
    private static final Logger log = LoggerFactory.getLogger(Faults.class);

    private Faults() {}

    public static void pause(String point) {
        String f = System.getProperty("dolly.agent.fault");
        if (f == null || !f.startsWith(point + "=")) {
            return;
        }
        Duration d = Durations.parse(f.substring(point.length() + 1));
        log.warn("fault injection: pausing {} at {}", d, point);
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
