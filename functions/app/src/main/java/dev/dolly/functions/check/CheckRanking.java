package dev.dolly.functions.check;

import dev.dolly.agent.api.CheckReport;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Which findings matter most: errors before warnings before info, then the longest time production queries were
 * blocked, then how many were, then the longest lock hold. Reports, cards and comments list findings in this order.
 */
public final class CheckRanking {
    public static final Comparator<CheckReport.Finding> WORST_FIRST = Comparator
            .comparingInt((CheckReport.Finding f) -> severityRank(f.severity()))
            .thenComparing(f -> orZero(f.blockedMs()), Comparator.reverseOrder())
            .thenComparing(f -> f.blockedQueries() == null ? 0 : f.blockedQueries(), Comparator.reverseOrder())
            .thenComparing(f -> orZero(f.holdMs()), Comparator.reverseOrder());

    private CheckRanking() {}

    /** 0 for error, 1 warning, 2 info, 3 anything else. */
    public static int severityRank(String severity) {
        if (severity == null) return 3;
        return switch (severity.toLowerCase(Locale.ROOT)) {
            case "error" -> 0;
            case "warning" -> 1;
            case "info" -> 2;
            default -> 3;
        };
    }

    /** The report's findings, worst first. */
    public static List<CheckReport.Finding> sorted(CheckReport r) {
        return r.findings() == null ? List.of() : r.findings().stream().sorted(WORST_FIRST).toList();
    }

    /** How many findings have {@code severity}. */
    public static long count(CheckReport r, String severity) {
        return r.findings() == null ? 0 : r.findings().stream().filter(f -> severity.equalsIgnoreCase(f.severity())).count();
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }
}
