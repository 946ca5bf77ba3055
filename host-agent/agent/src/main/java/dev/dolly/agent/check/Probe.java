package dev.dolly.agent.check;

import dev.dolly.agent.api.CheckRequest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The traffic production would send while the migration runs: {@code sessions} sessions, {@code ratePerSecond}
 * queries a second in all, alternating a short read ({@code SELECT 1 FROM t LIMIT 1}, AccessShareLock) and a write
 * that changes nothing ({@code DELETE FROM t WHERE false}, RowExclusiveLock, no WAL) on every table the migration
 * touches. How long they wait behind the migration is measured by the {@link LockTracker} from the server's side.
 */
public final class Probe implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Probe.class);
    public static final CheckRequest.Probe DEFAULTS = new CheckRequest.Probe(4, 40, false);
    public static final String APPLICATION = "dolly-check";

    private final List<Thread> threads = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();
    private final List<Integer> pids = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong maxLatencyNanos = new AtomicLong();

    /** Starts the sessions; {@code targets} is asked before each query (tables join as the migration touches them). */
    public Probe(CheckRequest.Probe p, Supplier<Connection> connect, Supplier<List<Relations.Rel>> targets) throws SQLException {
        int sessions = Math.max(1, Math.min(p.sessions(), 16));
        long pauseNanos = p.ratePerSecond() <= 0 ? 50_000_000L : 1_000_000_000L * sessions / Math.min(p.ratePerSecond(), 1000);
        for (int i = 0; i < sessions; i++) {
            Connection c = connect.get();
            connections.add(c);
            pids.add(pid(c));
            int session = i;
            Thread t = new Thread(() -> loop(c, session, pauseNanos, targets), "check-probe-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    /** The backend pids of the probe's sessions. */
    public List<Integer> pids() {
        return List.copyOf(pids);
    }

    public long queries() {
        return queries.get();
    }

    public long maxLatencyMs() {
        return maxLatencyNanos.get() / 1_000_000;
    }

    private void loop(Connection c, int session, long pauseNanos, Supplier<List<Relations.Rel>> targets) {
        long n = session;
        try (Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = '300s'");
            while (running.get()) {
                long t0 = System.nanoTime();
                List<Relations.Rel> ts = targets.get();
                if (!ts.isEmpty()) {
                    Relations.Rel r = ts.get((int) (n / 2 % ts.size()));
                    boolean write = n % 2 == 1 && r.kind() != 'm';
                    try {
                        st.execute(write ? "DELETE FROM " + r.sql() + " WHERE false" : "SELECT 1 FROM " + r.sql() + " LIMIT 1");
                        queries.incrementAndGet();
                        maxLatencyNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    } catch (SQLException e) {
                        if (!running.get()) {
                            return;
                        }
                        // a dropped or renamed table: the next target
                    }
                    n++;
                }
                long sleep = pauseNanos - (System.nanoTime() - t0);
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
        } catch (SQLException e) {
            if (running.get()) {
                log.debug("probe session {} ended: {}", session, e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int pid(Connection c) {
        try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        running.set(false);
        for (Connection c : connections) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                // closing anyway
            }
        }
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
