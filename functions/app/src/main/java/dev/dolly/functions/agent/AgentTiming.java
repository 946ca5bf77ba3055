package dev.dolly.functions.agent;

/**
 * Time spent waiting for agents on the current thread, so a command can report its own overhead
 * (its time minus agent time).
 */
public final class AgentTiming {
    private static final ThreadLocal<long[]> NANOS = ThreadLocal.withInitial(() -> new long[1]);

    private AgentTiming() {}

    public static void reset() { NANOS.get()[0] = 0; }

    static void add(long nanos) { NANOS.get()[0] += nanos; }

    public static long nanos() { return NANOS.get()[0]; }
}
