package dev.dolly.agent;

/** Wall-clock time spent per phase of one operation, for the log line that ends it ("zfs clone 18 ms, docker start 240 ms, …"). */
public final class Phases {
    private final long start = System.nanoTime();
    private long last = start;
    private final StringBuilder text = new StringBuilder();

    /** Ends the current phase under this name. */
    public void mark(String phase) {
        long now = System.nanoTime();
        if (text.length() > 0) {
            text.append(", ");
        }
        text.append(phase).append(' ').append((now - last) / 1_000_000).append(" ms");
        last = now;
    }

    public long totalMillis() {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Override
    public String toString() {
        return totalMillis() + " ms (" + text + ")";
    }
}
