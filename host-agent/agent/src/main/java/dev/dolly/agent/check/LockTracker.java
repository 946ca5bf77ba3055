package dev.dolly.agent.check;

import dev.dolly.agent.api.CheckReport.Lock;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

/**
 * Samples {@code pg_locks} (with {@code waitstart} and {@code pg_blocking_pids()}) from its own session: which locks
 * the migration's backend holds on relations that existed before, since when, and which other sessions wait behind
 * it and for how long. A lock's hold runs from the start of the statement during which it was first seen to the end
 * of its transaction. A wait is attributed to the statement that first locked the relation waited on in the current
 * transaction (else the statement running). Thread-safe: the runner marks statement boundaries while a background
 * thread samples.
 */
public final class LockTracker {
    /**
     * A wait shorter than this is not counted as blocked: it is the measurement's own noise (the check's per-statement
     * queries run inside the migration's transaction and keep its locks a few milliseconds longer than the bare SQL).
     */
    public static final long MIN_BLOCKED_MS = 50;
    static final String SAMPLE = """
            SELECT l.pid, l.relation, l.mode, l.granted,
                   CASE WHEN l.granted THEN NULL ELSE (extract(epoch FROM clock_timestamp() - l.waitstart) * 1000)::bigint END,
                   CASE WHEN l.granted THEN NULL ELSE pg_blocking_pids(l.pid) END,
                   (extract(epoch FROM l.waitstart) * 1000)::bigint
            FROM pg_locks l
            WHERE l.locktype = 'relation' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.pid <> pg_backend_pid()""";

    private final Connection monitor;
    private final Relations relations;
    private final IntPredicate isMigration;
    private final LongSupplier nanos;

    /** Locks of the current transaction: relation oid → mode → (statement, acquired at). */
    private final Map<Long, Map<String, long[]>> held = new LinkedHashMap<>();
    /** Waits behind the migration: (waiter pid, relation, wait start) → (statement, max waited ms). */
    private final Map<String, long[]> waits = new HashMap<>();
    private final Map<Integer, List<Lock>> locksByStatement = new HashMap<>();
    private final Map<Integer, long[]> blockedByStatement = new HashMap<>(); // {maxMs, count}
    private final Map<Integer, Long> ownWaitByStatement = new HashMap<>();
    private final Set<Long> touched = new java.util.LinkedHashSet<>();
    private int statement = -1;
    private long statementStart;

    /** {@code isMigration}: whether a backend pid is the migration's (files mode: one pid; observe mode: any not the check's). */
    public LockTracker(Connection monitor, Relations relations, IntPredicate isMigration, LongSupplier nanos) {
        this.monitor = monitor;
        this.relations = relations;
        this.isMigration = isMigration;
        this.nanos = nanos;
    }

    /** Statement {@code index} starts now. */
    public synchronized void statementStarts(int index) {
        statement = index;
        statementStart = nanos.getAsLong();
    }

    /** The transaction ended now (an autocommit statement is its own transaction): holds are closed. */
    public synchronized void transactionEnds() {
        long now = nanos.getAsLong();
        held.forEach((oid, modes) -> modes.forEach((mode, v) -> {
            Relations.Rel r = relations.get(oid);
            locksByStatement.computeIfAbsent((int) v[0], k -> new ArrayList<>()).add(new Lock(r.key(), mode, (now - v[1]) / 1_000_000));
        }));
        held.clear();
    }

    /** One sample; a failure (the monitor's server restarting) skips it. */
    public synchronized void sample() {
        long now = nanos.getAsLong();
        try (PreparedStatement ps = monitor.prepareStatement(SAMPLE); ResultSet rs = ps.executeQuery()) {
            List<Object[]> waiting = new ArrayList<>();
            while (rs.next()) {
                int pid = rs.getInt(1);
                long oid = rs.getLong(2);
                String mode = rs.getString(3);
                boolean granted = rs.getBoolean(4);
                if (relations.get(oid) == null) {
                    continue;
                }
                if (isMigration.test(pid)) {
                    if (granted) {
                        touched.add(oid);
                        held.computeIfAbsent(oid, k -> new LinkedHashMap<>()).computeIfAbsent(mode,
                                k -> new long[] {statement, statement >= 0 ? statementStart : now});
                    } else {
                        ownWaitByStatement.merge(statement, rs.getLong(5), Math::max);
                    }
                } else if (!granted) {
                    Array a = rs.getArray(6);
                    Integer[] blockers = a == null ? new Integer[0] : (Integer[]) a.getArray();
                    for (Integer b : blockers) {
                        if (isMigration.test(b)) {
                            waiting.add(new Object[] {pid, oid, rs.getLong(5), rs.getLong(7)});
                            break;
                        }
                    }
                }
            }
            for (Object[] w : waiting) {
                long oid = (Long) w[1];
                long waited = (Long) w[2];
                // the same wait is seen sample after sample: one wait per waiter, relation and wait start
                long[] v = waits.computeIfAbsent(w[0] + "/" + oid + "/" + w[3], k -> new long[] {owner(oid), 0});
                v[1] = Math.max(v[1], waited);
                touched.add(oid);
            }
        } catch (SQLException e) {
            // a skipped sample only loses precision
        }
    }

    private int owner(long oid) {
        Map<String, long[]> modes = held.get(oid);
        if (modes == null || modes.isEmpty()) {
            return statement;
        }
        return (int) modes.values().stream().mapToLong(v -> v[0]).min().orElse(statement);
    }

    /** Locks whose hold ended, of statement {@code index}. */
    public synchronized List<Lock> locks(int index) {
        return List.copyOf(locksByStatement.getOrDefault(index, List.of()));
    }

    /** {maxBlockedMs, blockedQueries} of statement {@code index}. */
    public synchronized long[] blocked(int index) {
        long max = 0;
        long n = 0;
        for (long[] v : waits.values()) {
            if (v[0] == index && v[1] >= MIN_BLOCKED_MS) {
                max = Math.max(max, v[1]);
                n++;
            }
        }
        return new long[] {max, n};
    }

    /** How long the migration's own statement {@code index} waited for a lock (ms), 0 if never seen waiting. */
    public synchronized long ownWait(int index) {
        return ownWaitByStatement.getOrDefault(index, 0L);
    }

    /** Relations the migration locked or made others wait on, in order of first sight (the probe's targets). */
    public synchronized List<Relations.Rel> touched() {
        return touched.stream().map(relations::get).toList();
    }
}
