package dev.dolly.agent.clone;

import dev.dolly.agent.Props;
import dev.dolly.agent.zfs.Zfs;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures clone activity: every interval it asks each running clone for its client sessions
 * (other than the agent's) and its transaction counters outside the {@code postgres} database
 * (where the agent itself connects). Any session, or any change of the counters since the last
 * sample, is activity: {@code dolly:activity} is set to now. Enforcing idle expiry is the
 * control plane's job.
 */
public final class ActivitySampler {
    private static final Logger log = LoggerFactory.getLogger(ActivitySampler.class);
    static final String SQL = """
            SELECT (SELECT count(*) FROM pg_stat_activity
                     WHERE backend_type = 'client backend' AND usename IS DISTINCT FROM 'dolly_agent') AS sessions,
                   (SELECT coalesce(sum(xact_commit + xact_rollback), 0) FROM pg_stat_database
                     WHERE datname NOT IN ('postgres', 'template0', 'template1')) AS xacts""";
    private final CloneService clones;
    private final Zfs zfs;
    private final Clock clock;
    private final Map<String, Long> lastXacts = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    public ActivitySampler(CloneService clones, Zfs zfs, Clock clock) {
        this.clones = clones;
        this.zfs = zfs;
        this.clock = clock;
    }

    public synchronized void start(Duration interval) {
        if (timer != null || interval.isZero() || interval.isNegative()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "activity-sampler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::sampleAll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One pass over all ready clones. Returns how many showed activity. */
    public int sampleAll() {
        int active = 0;
        try {
            for (CloneRecord c : clones.records()) {
                if (c.ready() && sample(c)) {
                    active++;
                }
            }
        } catch (RuntimeException e) {
            log.warn("activity sampling failed: {}", e.getMessage());
        }
        return active;
    }

    boolean sample(CloneRecord c) {
        boolean[] active = {false};
        clones.locks().tryWith(c.id(), () -> {
            try (Connection conn = clones.connectAsAgent(c, 10);
                 Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery(SQL)) {
                rs.next();
                long sessions = rs.getLong(1);
                long xacts = rs.getLong(2);
                Long before = lastXacts.put(c.id(), xacts);
                if (sessions > 0 || (before != null && !Objects.equals(before, xacts))) {
                    zfs.set(c.dataset(), Props.ACTIVITY, clock.instant().toString());
                    active[0] = true;
                }
            } catch (SQLException | RuntimeException e) {
                log.debug("activity of clone {}: {}", c.id(), e.getMessage());
            }
        });
        return active[0];
    }

    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
