package dev.dolly.agent.check;

import dev.dolly.agent.api.CheckReport;
import dev.dolly.agent.api.CheckReport.Finding;
import dev.dolly.agent.api.CheckRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files mode: runs the migration files on the clone statement by statement, as the application would (see
 * {@link TxPlan}), a ZFS savepoint before each file. Per statement: duration, locks on relations that existed before
 * and how long they were held, table rewrites, size delta, WAL, errors with their SQL state and the rows in the way;
 * meanwhile a {@link Probe} sends traffic to the touched tables and the {@link LockTracker} measures how long it
 * waited. A failing file puts the clone back to the savepoint before it and ends the run.
 */
public final class FilesRunner {
    private static final Logger log = LoggerFactory.getLogger(FilesRunner.class);
    /** How often the tracker samples pg_locks while statements run. */
    static final long SAMPLE_MS = 25;
    /** The long-transaction variant holds its transaction this long. */
    static final long LONG_TRANSACTION_MS = 3000;

    private final CloneAccess clone;
    private final CheckRequest request;
    private final String savepointPrefix;

    public FilesRunner(CloneAccess clone, CheckRequest request, String savepointPrefix) {
        this.clone = clone;
        this.request = request;
        this.savepointPrefix = savepointPrefix;
    }

    public CheckReport run() throws SQLException {
        long t0 = System.nanoTime();
        CheckRequest.Thresholds th = request.thresholds() == null ? CheckRequest.Thresholds.DEFAULTS : request.thresholds();
        CheckRequest.Probe probeCfg = request.probe() == null ? Probe.DEFAULTS : request.probe();
        List<TxPlan> plans = new ArrayList<>();
        for (CheckRequest.Migration m : request.migrations() == null ? List.<CheckRequest.Migration>of() : request.migrations()) {
            plans.add(TxPlan.of(m.name(), StatementSplitter.split(m.name(), m.sql() == null ? "" : m.sql())));
        }
        List<Finding> findings = new ArrayList<>(Linter.lint(plans));
        List<StatementRun> runs = new ArrayList<>();
        boolean hasStatements = plans.stream().anyMatch(p -> !p.steps().isEmpty());
        if (!hasStatements) {
            return Verdict.report(request.checkId(), findings, List.of(), th, (System.nanoTime() - t0) / 1_000_000);
        }
        Connection mon = ClusterHooks.named(clone.connect(), "monitor");
        Connection smp = ClusterHooks.named(clone.connect(), "sampler");
        Connection mig = clone.connect();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "check-sampler");
            t.setDaemon(true);
            return t;
        });
        Probe probe = null;
        String failedSavepoint = null;
        LockTracker tracker;
        Relations rels;
        try {
            ClusterHooks.install(mon);
            rels = Relations.load(mon);
            int migPid = Probe.pid(mig);
            asOwner(mig);
            tracker = new LockTracker(smp, rels, pid -> pid == migPid, System::nanoTime);
            Set<Relations.Rel> named = new LinkedHashSet<>();
            for (TxPlan p : plans) {
                for (TxPlan.Step s : p.steps()) {
                    Linter.tablesOf(s.statement()).stream().map(rels::byKey).filter(r -> r != null).forEach(named::add);
                }
            }
            LockTracker tr = tracker;
            if (probeCfg.sessions() > 0) {
                probe = new Probe(probeCfg, () -> {
                    try {
                        return ClusterHooks.named(clone.connect(), "probe");
                    } catch (SQLException e) {
                        throw new IllegalStateException("cannot open a probe session on the clone: " + e.getMessage(), e);
                    }
                }, () -> {
                    List<Relations.Rel> all = new ArrayList<>(named);
                    tr.touched().stream().filter(r -> !named.contains(r)).forEach(all::add);
                    return all;
                });
            }
            sampler.scheduleWithFixedDelay(tracker::sample, 0, SAMPLE_MS, TimeUnit.MILLISECONDS);
            Map<Long, Long> relfilenodes = new HashMap<>();
            for (Long oid : rels.oids()) {
                relfilenodes.put(oid, rels.get(oid).relfilenode());
            }
            int index = 0;
            for (int f = 0; f < plans.size(); f++) {
                TxPlan plan = plans.get(f);
                if (plan.steps().isEmpty()) {
                    continue;
                }
                String sp = savepointPrefix + "-" + (f + 1);
                clone.deleteStaleSavepoint(sp); // a savepoint of that name left by an agent that stopped mid-check
                clone.savepoint(sp);
                Connection longTx = probeCfg.longTransaction() ? LongTransaction.open(clone, plan, rels) : null;
                StatementRun failed = null;
                try {
                    failed = runFile(plan, mig, mon, tracker, rels, relfilenodes, runs, index);
                } finally {
                    LongTransaction.close(longTx);
                }
                index += plan.steps().size() + 2;
                if (failed != null) {
                    failed.error = withRows(failed, mon, rels);
                    failedSavepoint = sp;
                    break;
                }
                clone.deleteSavepoint(sp);
            }
            sampler.shutdown();
            sampler.awaitTermination(2, TimeUnit.SECONDS);
            tracker.sample();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            removeHooksQuietly(mon);
            throw new SQLException("interrupted");
        } catch (SQLException | RuntimeException e) {
            // the check itself could not run (a savepoint refused, the clone gone): leave the clone as the check found it
            removeHooksQuietly(mon);
            throw e;
        } finally {
            sampler.shutdownNow();
            if (probe != null) {
                probe.close();
            }
            closeQuietly(mig);
            closeQuietly(smp);
        }
        boolean probed = probe != null;
        List<CheckReport.Statement> statements = new ArrayList<>();
        for (StatementRun r : runs) {
            CheckReport.Statement st = r.toReport(tracker, probed);
            statements.add(st);
            findings.addAll(DynamicFindings.of(r, st, tracker, th, findings, probeCfg.longTransaction(), probeCfg.ratePerSecond()));
        }
        if (failedSavepoint != null) {
            closeQuietly(mon);
            clone.rollbackTo(failedSavepoint);
            clone.deleteSavepoint(failedSavepoint);
            try (Connection c = clone.connect()) {
                ClusterHooks.remove(c);
            }
        } else {
            try {
                ClusterHooks.remove(mon);
            } finally {
                closeQuietly(mon);
            }
        }
        if (probe != null) {
            log.info("check {}: probe sent {} queries, slowest {} ms", request.checkId(), probe.queries(), probe.maxLatencyMs());
        }
        return Verdict.report(request.checkId(), findings, statements, th, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Runs one file; returns the statement that failed, or null. */
    private StatementRun runFile(TxPlan plan, Connection mig, Connection mon, LockTracker tracker, Relations rels,
                                 Map<Long, Long> relfilenodes, List<StatementRun> runs, int firstIndex) throws SQLException {
        int index = firstIndex;
        boolean implicitOpen = false;
        boolean open = false;
        if (plan.wrapped()) {
            exec(mig, "BEGIN");
            implicitOpen = true;
            open = true;
        }
        for (TxPlan.Step step : plan.steps()) {
            StatementRun run = new StatementRun(index, step.statement());
            runs.add(run);
            ServerFigures before = ServerFigures.read(mon);
            tracker.statementStarts(index);
            long s0 = System.nanoTime();
            SQLException error = null;
            try {
                exec(mig, step.statement().sql());
            } catch (SQLException e) {
                error = e;
            }
            run.durationMs = (System.nanoTime() - s0) / 1_000_000;
            if (step.control() == TxPlan.Control.BEGIN) {
                open = true;
            }
            tracker.sample();
            if (error == null) {
                rewrites(run, mig, rels, relfilenodes);
            }
            ServerFigures after = ServerFigures.read(mon);
            run.walBytes = ServerFigures.walBetween(before, after);
            run.sizeDeltaBytes = ServerFigures.sizeBetween(before, after);
            if (step.control() == TxPlan.Control.END || !open) {
                tracker.transactionEnds();
                open = false;
            }
            if (error != null) {
                run.error = new CheckReport.Error(error.getSQLState(), RowsInTheWay.safeMessage(error.getSQLState(), error.getMessage()), null);
                if (open) {
                    rollbackQuietly(mig);
                    tracker.transactionEnds();
                }
                return run;
            }
            index++;
        }
        if (implicitOpen) {
            tracker.statementStarts(index - 1);
            try {
                exec(mig, "COMMIT");
            } catch (SQLException e) {
                // a deferred constraint fails at commit: the file's implicit COMMIT is the statement that failed
                SqlStatement last = plan.steps().get(plan.steps().size() - 1).statement();
                StatementRun commit = new StatementRun(index, new SqlStatement(plan.file(), index, last.line(), "COMMIT", java.util.Set.of()));
                commit.error = new CheckReport.Error(e.getSQLState(), RowsInTheWay.safeMessage(e.getSQLState(), e.getMessage()), null);
                runs.add(commit);
                rollbackQuietly(mig);
                tracker.transactionEnds();
                return commit;
            }
            tracker.transactionEnds();
        }
        return null;
    }

    private static void rewrites(StatementRun run, Connection mig, Relations rels, Map<Long, Long> relfilenodes) {
        Set<Long> rewritten = new LinkedHashSet<>(ClusterHooks.rewrittenSinceLast(mig));
        try (PreparedStatement ps = mig.prepareStatement("SELECT oid, relfilenode FROM pg_class WHERE oid::bigint = ANY(?)")) {
            ps.setArray(1, mig.createArrayOf("int8", rels.oids()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long oid = rs.getLong(1);
                    long node = rs.getLong(2);
                    Long was = relfilenodes.put(oid, node);
                    if (was != null && was != node && node != 0) {
                        rewritten.add(oid);
                    }
                }
            }
        } catch (SQLException e) {
            // an aborted transaction: the event trigger's note is all there is
        }
        for (Long oid : rewritten) {
            Relations.Rel r = rels.get(oid);
            if (r != null) {
                run.rewrote.add(r.key());
                run.rewroteBytes.add(r.bytes());
            }
        }
    }

    private static CheckReport.Error withRows(StatementRun failed, Connection mon, Relations rels) {
        CheckReport.Error e = failed.error;
        Long rows = RowsInTheWay.count(mon, e.sqlstate(), failed.statement, rels);
        return new CheckReport.Error(e.sqlstate(), e.message(), rows);
    }

    /**
     * The migration runs with the clone owner's privileges, as the application's migrations would, and what it
     * creates is the owner's. (A convenience, not a boundary: the session could RESET ROLE; the owner's password is
     * not the agent's to use.)
     */
    private void asOwner(Connection mig) throws SQLException {
        String owner = clone.ownerRole();
        if (owner != null && !owner.isBlank()) {
            try (Statement st = mig.createStatement()) {
                st.execute("SET ROLE " + SqlNames.quote(owner));
            }
        }
    }

    private static void removeHooksQuietly(Connection mon) {
        try {
            ClusterHooks.remove(mon);
        } catch (SQLException | RuntimeException e) {
            // best effort: the clone may be gone
        }
        closeQuietly(mon);
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.setEscapeProcessing(false); // the user's SQL runs as written
            st.execute(sql);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            exec(c, "ROLLBACK");
        } catch (SQLException e) {
            // the connection is gone
        }
    }

    static void closeQuietly(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException e) {
            // closing anyway
        }
    }
}
