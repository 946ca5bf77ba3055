package dev.dolly.agent.check;

import dev.dolly.agent.api.CheckReport;
import dev.dolly.agent.api.CheckReport.Finding;
import dev.dolly.agent.api.CheckRequest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Observe mode: someone else's migration tool runs against the clone between {@link #start} and {@link #finish}.
 * Start sets {@code log_statement = all} (ALTER SYSTEM and a reload), installs the rewrite trigger and samples
 * {@code pg_locks} + {@code pg_stat_activity} + {@code pg_blocking_pids()} every {@link #SAMPLE_MS} ms; the probe
 * follows the tables as they get locked. Finish stops all that, reads the statements the server logged, lints them
 * and reports one entry per transaction it saw.
 */
public final class Observer {
    static final long SAMPLE_MS = 100;
    static final String FILE = "observed";
    private static final String ACTIVITY = """
            SELECT pid, (extract(epoch FROM xact_start) * 1000)::bigint, left(query, 2000)
            FROM pg_stat_activity
            WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
              AND coalesce(application_name, '') NOT LIKE 'dolly-check%'""";

    private final CloneAccess clone;
    private final CheckRequest request;
    private final Clock clock;
    private Instant since;
    private Connection mon;
    private Connection smp;
    private Relations rels;
    private LockTracker tracker;
    private Probe probe;
    private ServerFigures before;
    private ScheduledExecutorService sampler;
    private final Set<Integer> clients = ConcurrentHashMap.newKeySet();
    private final Set<Integer> ours = ConcurrentHashMap.newKeySet();
    private final List<Unit> units = new ArrayList<>();
    private Unit current;
    private long t0;

    /** One transaction seen: its backend, start, and the last query text sampled in it. */
    private static final class Unit {
        final int index;
        final int pid;
        final long startMs;
        long lastSeenMs;
        String query;
        ServerFigures first;
        ServerFigures last;

        Unit(int index, int pid, long startMs) {
            this.index = index;
            this.pid = pid;
            this.startMs = startMs;
        }
    }

    public Observer(CloneAccess clone, CheckRequest request, Clock clock) {
        this.clone = clone;
        this.request = request;
        this.clock = clock;
    }

    public synchronized void start() throws SQLException {
        t0 = System.nanoTime();
        since = clock.instant().minusSeconds(1);
        mon = ClusterHooks.named(clone.connect(), "observer");
        smp = ClusterHooks.named(clone.connect(), "sampler");
        ours.add(Probe.pid(mon));
        ours.add(Probe.pid(smp));
        ClusterHooks.install(mon);
        try (Statement st = mon.createStatement()) {
            st.execute("ALTER SYSTEM SET log_line_prefix = '" + ServerLog.PREFIX + "'");
        }
        ClusterHooks.logStatements(mon, true);
        rels = Relations.load(mon);
        before = ServerFigures.read(mon);
        tracker = new LockTracker(smp, rels, clients::contains, System::nanoTime);
        CheckRequest.Probe p = request.probe() == null ? Probe.DEFAULTS : request.probe();
        if (p.sessions() > 0) {
            probe = new Probe(p, () -> {
                try {
                    return ClusterHooks.named(clone.connect(), "probe");
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot open a probe session on the clone: " + e.getMessage(), e);
                }
            }, tracker::touched);
            ours.addAll(probe.pids());
        }
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "check-observer");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleWithFixedDelay(this::sample, 0, SAMPLE_MS, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        Map<Integer, Object[]> active = new HashMap<>();
        try (Statement st = smp.createStatement(); ResultSet rs = st.executeQuery(ACTIVITY)) {
            while (rs.next()) {
                long xs = rs.getLong(2);
                active.put(rs.getInt(1), new Object[] {rs.wasNull() ? null : xs, rs.getString(3)});
            }
        } catch (SQLException e) {
            return;
        }
        clients.clear();
        clients.addAll(active.keySet());
        clients.removeAll(ours);
        synchronized (this) {
            long now = clock.millis();
            Object[] cur = current == null ? null : active.get(current.pid);
            if (current != null && (cur == null || cur[0] == null || (Long) cur[0] != current.startMs)) {
                tracker.transactionEnds();
                current.last = ServerFigures.read(smp);
                current = null;
            }
            if (current == null) {
                for (Map.Entry<Integer, Object[]> e : active.entrySet()) {
                    if (e.getValue()[0] != null && !ours.contains(e.getKey())) {
                        current = new Unit(units.size(), e.getKey(), (Long) e.getValue()[0]);
                        current.first = ServerFigures.read(smp);
                        units.add(current);
                        tracker.statementStarts(current.index);
                        break;
                    }
                }
            }
            if (current != null) {
                current.lastSeenMs = now;
                Object[] a = active.get(current.pid);
                if (a != null && a[1] != null) {
                    current.query = (String) a[1];
                }
            }
        }
        tracker.sample();
    }

    /** Stops observing and reports. */
    public CheckReport finish() throws SQLException {
        CheckRequest.Thresholds th = request.thresholds() == null ? CheckRequest.Thresholds.DEFAULTS : request.thresholds();
        sampler.shutdownNow();
        try {
            sampler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (probe != null) {
            probe.close();
        }
        synchronized (this) {
            tracker.transactionEnds();
        }
        ServerFigures after = ServerFigures.read(mon);
        if (current != null) {
            current.last = after;
        }
        Relations afterRels = Relations.load(mon);
        ClusterHooks.logStatements(mon, false);
        try (Statement st = mon.createStatement()) {
            st.execute("ALTER SYSTEM RESET log_line_prefix");
            st.execute("SELECT pg_reload_conf()");
        }
        ClusterHooks.remove(mon);
        FilesRunner.closeQuietly(mon);
        FilesRunner.closeQuietly(smp);
        ServerLog log = ServerLog.parse(clone.serverLog(since), new HashSet<>(ours));

        List<SqlStatement> logged = new ArrayList<>();
        int n = 0;
        for (ServerLog.Logged l : log.statements()) {
            n++;
            for (SqlStatement s : StatementSplitter.split(FILE, l.sql())) {
                logged.add(new SqlStatement(FILE, logged.size(), n, s.sql(), s.ignored()));
            }
        }
        List<Finding> findings = new ArrayList<>(Linter.lint(List.of(TxPlan.asSent(FILE, logged))));
        List<CheckReport.Statement> statements = new ArrayList<>();
        boolean probed = probe != null;
        for (Unit u : units) {
            long[] b = tracker.blocked(u.index);
            SqlStatement s = new SqlStatement(FILE, u.index, u.index + 1, u.query == null ? "" : u.query, Set.of());
            StatementRun run = new StatementRun(u.index, s);
            run.durationMs = Math.max(0, u.lastSeenMs - u.startMs);
            CheckReport.Statement st = new CheckReport.Statement(FILE, u.index + 1, Reports.excerpt(s.sql()), run.durationMs, tracker.locks(u.index),
                    List.of(), ServerFigures.sizeBetween(u.first, u.last), ServerFigures.walBetween(u.first, u.last),
                    probed ? b[0] : null, probed ? (int) b[1] : null, null);
            statements.add(st);
            findings.addAll(DynamicFindings.of(run, st, tracker, th, List.of(), false,
                    request.probe() == null ? Probe.DEFAULTS.ratePerSecond() : request.probe().ratePerSecond()));
        }
        Set<Long> rewritten = new HashSet<>(log.rewrites());
        for (Long oid : rels.oids()) {
            Relations.Rel a = afterRels.get(oid);
            if (a != null && a.relfilenode() != rels.get(oid).relfilenode()) {
                rewritten.add(oid);
            }
        }
        for (Long oid : rewritten) {
            Relations.Rel r = rels.get(oid);
            if (r != null) {
                boolean big = r.bytes() > th.warnRewriteBytes();
                findings.add(new Finding(DynamicFindings.REWRITE, big ? "warning" : "info", FILE, null, null, r.key(), Rule.Locks.ACCESS_EXCLUSIVE,
                        null, null, null, "the migration rewrote " + r.key() + " (" + DynamicFindings.mb(r.bytes()) + " before) under AccessExclusiveLock",
                        "a form of the change that does not rewrite the table"));
            }
        }
        for (ServerLog.LoggedError e : log.errors()) {
            findings.add(new Finding(DynamicFindings.ERROR, "error", FILE, null, null, null, null, null, null, null,
                    "a statement failed with SQLSTATE " + e.sqlstate() + ": " + e.message(), null));
        }
        findings.add(new Finding("observation", "info", FILE, null, null, null, null, null, null, null,
                log.statements().size() + " statements logged, " + units.size() + " transactions seen, "
                        + ServerFigures.walBetween(before, after) + " bytes of WAL, database size changed by "
                        + ServerFigures.sizeBetween(before, after) + " bytes", null));
        return Verdict.report(request.checkId(), findings, statements, th, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Stops without a report (the check is abandoned): settings back, hooks removed. */
    public synchronized void abandon() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
        if (probe != null) {
            probe.close();
        }
        try {
            ClusterHooks.logStatements(mon, false);
            ClusterHooks.remove(mon);
        } catch (SQLException | RuntimeException e) {
            // best effort
        }
        FilesRunner.closeQuietly(mon);
        FilesRunner.closeQuietly(smp);
    }
}
