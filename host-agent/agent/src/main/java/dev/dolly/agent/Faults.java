package dev.dolly.agent;

import dev.dolly.config.Durations;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection for tests that stop the agent in the middle of an operation. Every step boundary of
 * create, reset and savepoint calls {@link #step} with its name (e.g. {@code create.after-container}):
 * <ul>
 *   <li>the system property {@code dolly.agent.fault=<point>=<duration>} makes the agent pause there, so a test can
 *       kill the process at that point;</li>
 *   <li>a {@link StepListener} set by an in-process test ({@link #onStep}) may throw {@link Crash} there, which leaves
 *       the operation as a killed process would: no compensating step runs after it.</li>
 * </ul>
 * Unset in production: {@link #step} is then a no-op.
 */
public final class Faults {
    private static final Logger log = LoggerFactory.getLogger(Faults.class);
    private static volatile StepListener listener;

    private Faults() {}

    /** Told of every step boundary an operation passes. */
    @FunctionalInterface
    public interface StepListener {
        void reached(String point);
    }

    /**
     * Thrown by a test's listener to stop an operation dead at a step boundary. An {@link Error}, so the
     * operation's own clean-up (which catches exceptions) does not run, as if the process had been killed.
     */
    public static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        public Crash(String point) {
            super("injected crash at " + point, null, false, false);
        }
    }

    /** Tests only: the listener told of every step boundary ({@code null} removes it). */
    public static void onStep(StepListener l) {
        listener = l;
    }

    /** A step boundary of a clone operation: pauses when the system property names it, then tells the test's listener. */
    public static void step(String point) {
        pause(point);
        StepListener l = listener;
        if (l != null) {
            l.reached(point);
        }
    }

    private static void pause(String point) {
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
