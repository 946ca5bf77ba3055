package dev.dolly.agent.refresh;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of one refresh job, written by the populator, read by {@code GET /v1/jobs/{id}}.
 * Thread-safe. The ETA is the populator's own estimate when it sets one, otherwise derived from
 * bytes copied against {@link #expectBytes(long)}.
 */
public final class JobProgress {
    private final Clock clock;
    private volatile String phase = "queued";
    private final AtomicInteger tablesDone = new AtomicInteger();
    private final AtomicInteger tablesTotal = new AtomicInteger();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile long expectedBytes;
    private volatile Instant bytesSince;
    private volatile Duration eta;
    private volatile boolean cancelled;

    public JobProgress(Clock clock) {
        this.clock = clock;
    }

    public void phase(String phase) {
        this.phase = phase;
    }

    public String phase() {
        return phase;
    }

    public void tablesTotal(int n) {
        tablesTotal.set(n);
    }

    public void tableDone() {
        tablesDone.incrementAndGet();
    }

    public void addRows(long n) {
        rows.addAndGet(n);
    }

    public void addBytes(long n) {
        if (bytesSince == null) {
            bytesSince = clock.instant();
        }
        bytes.addAndGet(n);
    }

    /** How many bytes the data phase is expected to move (for the ETA). */
    public void expectBytes(long n) {
        expectedBytes = n;
    }

    /** The populator's own estimate of the time left (null to derive it from bytes). */
    public void eta(Duration remaining) {
        eta = remaining;
    }

    public int tablesDone() { return tablesDone.get(); }

    public int tablesTotal() { return tablesTotal.get(); }

    public long rows() { return rows.get(); }

    public long bytes() { return bytes.get(); }

    /** Seconds left, or null when unknown. */
    public Long etaSeconds() {
        Duration e = eta;
        if (e != null) {
            return Math.max(0, e.toSeconds());
        }
        long done = bytes.get();
        long expected = expectedBytes;
        Instant since = bytesSince;
        if (expected <= 0 || done <= 0 || since == null) {
            return null;
        }
        double elapsed = Duration.between(since, clock.instant()).toMillis() / 1000.0;
        if (elapsed <= 0) {
            return null;
        }
        return Math.max(0, Math.round((expected - done) / (done / elapsed)));
    }

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Throws {@link CancellationException} once the job was cancelled: call it between steps. */
    public void checkCancelled() {
        if (cancelled) {
            throw new CancellationException("refresh cancelled");
        }
    }
}
