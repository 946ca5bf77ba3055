package dev.dolly.agent.check;

import dev.dolly.agent.api.CheckReport;
import dev.dolly.agent.api.CheckReport.Finding;
import dev.dolly.agent.api.CheckRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * pass / warn / fail from the findings and the thresholds: {@code fail} when a statement errored (a lock_timeout that
 * gave up behind the long transaction excepted: that is the timeout doing its job) or probe queries were blocked
 * longer than {@code failBlockedMs}; {@code warn} on any lint error, on a rewrite of a table larger than
 * {@code warnRewriteBytes}, and on a lock queue; else {@code pass}. Findings are sorted biggest first.
 */
public final class Verdict {
    private Verdict() {}

    public static String of(List<Finding> findings, CheckRequest.Thresholds th) {
        boolean fail = findings.stream().anyMatch(f -> f.rule().equals(DynamicFindings.ERROR)
                || f.blockedMs() != null && f.blockedMs() > th.failBlockedMs() && f.rule().equals(DynamicFindings.BLOCKED)
                || f.rule().equals(DynamicFindings.QUEUE) && f.blockedMs() != null && f.blockedMs() > th.failBlockedMs());
        if (fail) {
            return "fail";
        }
        boolean warn = findings.stream().anyMatch(f -> "error".equals(f.severity())
                || f.rule().equals(DynamicFindings.REWRITE) && "warning".equals(f.severity()));
        return warn ? "warn" : "pass";
    }

    /** The report: findings sorted (severity, then blocked time, then position), verdict, markdown and junit left to the control plane. */
    public static CheckReport report(String checkId, List<Finding> findings, List<CheckReport.Statement> statements, CheckRequest.Thresholds th,
                                     long durationMs) {
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparingInt((Finding f) -> severityRank(f.severity()))
                .thenComparing((Finding f) -> f.blockedMs() == null ? 0L : f.blockedMs(), Comparator.reverseOrder())
                .thenComparing(f -> f.file() == null ? "" : f.file())
                .thenComparing(f -> f.line() == null ? 0 : f.line()));
        return new CheckReport(checkId, of(sorted, th), durationMs, List.copyOf(sorted), List.copyOf(statements), null, null);
    }

    static int severityRank(String s) {
        return switch (s == null ? "" : s) {
            case "error" -> 0;
            case "warning" -> 1;
            default -> 2;
        };
    }
}
