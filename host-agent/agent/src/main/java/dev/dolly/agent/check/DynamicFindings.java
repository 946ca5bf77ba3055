package dev.dolly.agent.check;

import dev.dolly.agent.api.CheckReport;
import dev.dolly.agent.api.CheckReport.Finding;
import dev.dolly.agent.api.CheckRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Findings from what was measured on the clone: {@code blocked-queries} (probe queries waited behind the statement's
 * lock), {@code table-rewrite}, {@code statement-error} and, in the long-transaction variant, {@code lock-queue}
 * (the migration waited behind a transaction and traffic piled up behind it) or {@code lock-timeout-handled}.
 */
final class DynamicFindings {
    static final String BLOCKED = "blocked-queries";
    static final String REWRITE = "table-rewrite";
    static final String ERROR = "statement-error";
    static final String QUEUE = "lock-queue";
    static final String TIMEOUT_HANDLED = "lock-timeout-handled";

    private DynamicFindings() {}

    static List<Finding> of(StatementRun run, CheckReport.Statement st, LockTracker tracker, CheckRequest.Thresholds th,
                            List<Finding> lint, boolean longTransaction, int probeRate) {
        List<Finding> out = new ArrayList<>();
        SqlStatement s = run.statement;
        String fix = lint.stream().filter(f -> Objects.equals(f.file(), s.file()) && Objects.equals(f.line(), s.line()) && f.fix() != null)
                .map(Finding::fix).findFirst().orElse(null);
        CheckReport.Lock strongest = st.locks().stream()
                .max(Comparator.comparingInt((CheckReport.Lock l) -> rank(l.mode())).thenComparingLong(CheckReport.Lock::holdMs)).orElse(null);
        String excerpt = Reports.excerpt(s.sql());
        if (st.blockedQueries() != null && st.blockedQueries() > 0) {
            boolean over = st.blockedMs() > th.failBlockedMs();
            out.add(new Finding(BLOCKED, over ? "error" : "warning", s.file(), excerpt, s.line(), strongest == null ? null : strongest.relation(),
                    strongest == null ? null : strongest.mode(), strongest == null ? null : strongest.holdMs(), st.blockedMs(), st.blockedQueries(),
                    st.blockedQueries() + " probe quer" + (st.blockedQueries() == 1 ? "y" : "ies") + " waited up to " + st.blockedMs()
                            + " ms behind this statement" + (strongest == null ? "" : "'s " + strongest.mode() + " on " + strongest.relation()
                            + " (held " + strongest.holdMs() + " ms)") + (over ? ", over the " + th.failBlockedMs() + " ms the check allows" : "")
                            + queued(probeRate, st.blockedMs()),
                    fix));
        }
        for (int i = 0; i < run.rewrote.size(); i++) {
            long bytes = run.rewroteBytes.get(i);
            boolean big = bytes > th.warnRewriteBytes();
            out.add(new Finding(REWRITE, big ? "warning" : "info", s.file(), excerpt, s.line(), run.rewrote.get(i), Rule.Locks.ACCESS_EXCLUSIVE,
                    holdOn(st, run.rewrote.get(i)), st.blockedMs(), st.blockedQueries(),
                    "rewrote " + run.rewrote.get(i) + " (" + mb(bytes) + " before) in " + st.durationMs() + " ms under AccessExclusiveLock",
                    fix != null ? fix : "a form of the change that does not rewrite the table"));
        }
        long ownWait = tracker.ownWait(run.index);
        if (longTransaction && ownWait > 0 || longTransaction && st.error() != null && "55P03".equals(st.error().sqlstate())) {
            boolean handled = st.error() != null && "55P03".equals(st.error().sqlstate());
            out.add(new Finding(handled ? TIMEOUT_HANDLED : QUEUE, handled ? "info" : "error", s.file(), excerpt, s.line(),
                    strongest == null ? null : strongest.relation(), strongest == null ? null : strongest.mode(), null, st.blockedMs(),
                    st.blockedQueries(), handled
                            ? "behind a long transaction, the migration's lock_timeout gave up after " + ownWait + " ms: production traffic "
                            + "queued at most that long; retry the migration"
                            : "behind a long transaction, the migration waited " + ownWait + " ms for its lock and "
                            + (st.blockedQueries() == null ? 0 : st.blockedQueries()) + " probe queries queued behind it" + queued(probeRate, st.blockedMs()),
                    "SET lock_timeout = '2s' before the statement and retry on failure"));
        }
        if (st.error() != null && !(longTransaction && "55P03".equals(st.error().sqlstate()))) {
            CheckReport.Error e = st.error();
            out.add(new Finding(ERROR, "error", s.file(), excerpt, s.line(), null, null, null, null, null,
                    "failed with SQLSTATE " + e.sqlstate() + ": " + e.message()
                            + (e.rowsInTheWay() == null ? "" : " (" + e.rowsInTheWay() + " row" + (e.rowsInTheWay() == 1 ? "" : "s") + " in the way)")
                            + "; the clone was put back to its state before " + s.file(), fix));
        }
        return out;
    }

    /**
     * The probe has few sessions, so it counts at most that many waiting queries at a time; production sends its
     * queries at a rate: at the probe's rate, this many would have waited.
     */
    static String queued(int ratePerSecond, Long blockedMs) {
        if (ratePerSecond <= 0 || blockedMs == null || blockedMs <= 0) {
            return "";
        }
        long n = Math.max(1, Math.round(ratePerSecond * blockedMs / 1000.0));
        return "; at " + ratePerSecond + " queries/s on these tables, about " + n + " would have queued";
    }

    private static Long holdOn(CheckReport.Statement st, String rel) {
        return st.locks().stream().filter(l -> l.relation().equals(rel)).mapToLong(CheckReport.Lock::holdMs).max().stream().boxed()
                .findFirst().orElse(null);
    }

    static int rank(String mode) {
        return List.of(Rule.Locks.ACCESS_SHARE, "RowShareLock", Rule.Locks.ROW_EXCLUSIVE, Rule.Locks.SHARE_UPDATE_EXCLUSIVE, Rule.Locks.SHARE,
                Rule.Locks.SHARE_ROW_EXCLUSIVE, Rule.Locks.EXCLUSIVE, Rule.Locks.ACCESS_EXCLUSIVE).indexOf(mode);
    }

    static String mb(long bytes) {
        return bytes >= 1 << 20 ? String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1048576.0) : (bytes / 1024) + " kB";
    }
}
