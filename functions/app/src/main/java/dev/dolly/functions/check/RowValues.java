package dev.dolly.functions.check;

import dev.dolly.agent.api.CheckReport;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps row values out of a check's report: PostgreSQL names them in some error messages and details
 * ({@code Key (email)=(a@b.c) already exists}, {@code Failing row contains (…)}); the agent should never pass them on,
 * and this removes any that slipped through before a report is rendered, stored or answered.
 */
public final class RowValues {
    private static final Pattern KEY = Pattern.compile("(Key \\([^)]*\\))=\\((?:[^()]|\\([^()]*\\))*\\)");
    private static final Pattern FAILING_ROW = Pattern.compile("(Failing row contains )\\((?:[^()]|\\([^()]*\\))*\\)");
    static final String HIDDEN = "(…)";

    private RowValues() {}

    /** {@code text} with any row value PostgreSQL put in it replaced by {@code (…)}. */
    public static String scrub(String text) {
        if (text == null || text.indexOf('(') < 0) return text;
        String s = KEY.matcher(text).replaceAll("$1=" + java.util.regex.Matcher.quoteReplacement(HIDDEN));
        return FAILING_ROW.matcher(s).replaceAll("$1" + java.util.regex.Matcher.quoteReplacement(HIDDEN));
    }

    /** The report with every message scrubbed. */
    public static CheckReport scrub(CheckReport r) {
        List<CheckReport.Finding> findings = r.findings() == null ? List.of() : r.findings().stream()
                .map(f -> new CheckReport.Finding(f.rule(), f.severity(), f.file(), f.statement(), f.line(), f.table(), f.lock(),
                        f.holdMs(), f.blockedMs(), f.blockedQueries(), scrub(f.message()), f.fix())).toList();
        List<CheckReport.Statement> statements = r.statements() == null ? List.of() : r.statements().stream()
                .map(s -> new CheckReport.Statement(s.file(), s.line(), s.sql(), s.durationMs(), s.locks(), s.rewrote(),
                        s.sizeDeltaBytes(), s.walBytes(), s.blockedMs(), s.blockedQueries(), s.error() == null ? null
                        : new CheckReport.Error(s.error().sqlstate(), scrub(s.error().message()), s.error().rowsInTheWay()))).toList();
        return new CheckReport(r.check(), r.verdict(), r.durationMs(), findings, statements, r.markdown(), r.junit());
    }
}
