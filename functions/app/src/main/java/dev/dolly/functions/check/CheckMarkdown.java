package dev.dolly.functions.check;

import dev.dolly.agent.api.CheckReport;
import dev.dolly.control.api.Figures;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A check's report as one pull-request comment: a one-line summary first, then the findings worst first (a table, then
 * each one's why and fix in a {@code <details>} block), then every statement as it ran on the clone. Always under
 * {@link #LIMIT} characters: what does not fit is left out with a note saying how much and where the rest is.
 */
public final class CheckMarkdown {
    /** GitHub refuses comments over 65,536 characters; the issue asks for under 60,000. */
    public static final int LIMIT = 60_000;
    private static final int SQL_SHOWN = 400;

    /** What the report itself does not say: the template, the clone (when kept) and how long cloning took. */
    public record Context(String template, String cloneId, boolean kept, Long cloneMs) {}

    private CheckMarkdown() {}

    public static String render(CheckReport r, Context ctx) {
        return render(r, ctx, LIMIT);
    }

    static String render(CheckReport r, Context ctx, int limit) {
        List<CheckReport.Finding> findings = CheckRanking.sorted(r);
        List<CheckReport.Statement> statements = r.statements() == null ? List.of() : r.statements();
        Budget out = new Budget(limit);
        out.always(summary(r, ctx, findings, statements)).always("\n\n");
        if (ctx.kept() && ctx.cloneId() != null) {
            out.always("The clone `" + code(ctx.cloneId()) + "` was kept for investigation (`dolly show " + code(ctx.cloneId())
                    + "`; destroy it when done).\n\n");
        }
        if (findings.isEmpty()) {
            out.always("No findings.\n\n");
        } else {
            out.always("| | Rule | Where | Table | Lock | Held | Blocked |\n|---|---|---|---|---|---|---|\n");
            out.each(findings, CheckMarkdown::findingRow, 2_000, "finding rows");
            out.always("\n");
            out.always("<details><summary>Why, and the safe rewrite (" + findings.size() + " finding"
                    + (findings.size() == 1 ? "" : "s") + ")</summary>\n\n");
            out.each(findings, CheckMarkdown::findingDetail, 1_500, "finding explanations");
            out.always("</details>\n\n");
        }
        if (!statements.isEmpty()) {
            out.always("<details><summary>Statements as they ran on the clone (" + statements.size() + ")</summary>\n\n"
                    + "| Where | Statement | Took | Locks held (on existing relations) | Rewrote | Size Δ | WAL | Blocked | Error |\n"
                    + "|---|---|---|---|---|---|---|---|---|\n");
            out.each(statements, CheckMarkdown::statementRow, 1_000, "statements");
            out.always("\n</details>\n\n");
        }
        return out.finish();
    }

    /** The report's one-line summary (the comment's first line). */
    public static String summaryLine(CheckReport r, Context ctx) {
        return summary(r, ctx, CheckRanking.sorted(r), r.statements() == null ? List.of() : r.statements());
    }

    private static String summary(CheckReport r, Context ctx, List<CheckReport.Finding> findings, List<CheckReport.Statement> statements) {
        String verdict = r.verdict() == null ? "unknown" : r.verdict().toLowerCase(Locale.ROOT);
        String icon = switch (verdict) {
            case "pass" -> "✅";
            case "warn" -> "⚠️";
            case "fail" -> "❌";
            default -> "❔";
        };
        long files = statements.stream().map(CheckReport.Statement::file).distinct().count();
        StringBuilder s = new StringBuilder();
        s.append(icon).append(" **Dolly migration check: ").append(verdict).append("**");
        s.append(" — ").append(findings.size()).append(findings.size() == 1 ? " finding" : " findings");
        long errors = findings.stream().filter(f -> "error".equalsIgnoreCase(f.severity())).count();
        long warnings = findings.stream().filter(f -> "warning".equalsIgnoreCase(f.severity())).count();
        if (!findings.isEmpty()) s.append(" (").append(errors).append(" error").append(errors == 1 ? "" : "s").append(", ")
                .append(warnings).append(" warning").append(warnings == 1 ? "" : "s").append(")");
        s.append(" · ").append(files).append(files == 1 ? " file, " : " files, ").append(statements.size())
                .append(statements.size() == 1 ? " statement" : " statements").append(" in ").append(Figures.ms(r.durationMs()));
        if (ctx.template() != null) s.append(" on a full-size clone of `").append(code(ctx.template())).append("`");
        long blocked = statements.stream().mapToLong(st -> st.blockedMs() == null ? 0 : st.blockedMs()).max().orElse(0);
        for (CheckReport.Finding f : findings) blocked = Math.max(blocked, f.blockedMs() == null ? 0 : f.blockedMs());
        if (blocked > 0) s.append(" · production queries blocked up to ").append(Figures.ms(blocked));
        statements.stream().filter(st -> st.error() != null).findFirst().ifPresent(st -> s.append(" · failed at ")
                .append(code(st.file())).append(":").append(st.line()));
        return s.toString();
    }

    private static String findingRow(CheckReport.Finding f) {
        return "| " + severityIcon(f.severity()) + " | `" + code(f.rule()) + "` | " + cell(where(f.file(), f.line())) + " | "
                + cell(f.table()) + " | " + cell(f.lock()) + " | " + (f.holdMs() == null ? "" : Figures.ms(f.holdMs())) + " | "
                + blocked(f.blockedMs(), f.blockedQueries()) + " |\n";
    }

    private static String findingDetail(CheckReport.Finding f) {
        StringBuilder s = new StringBuilder();
        s.append("**").append(severityIcon(f.severity())).append(" `").append(code(f.rule())).append("`** at ")
                .append(text(where(f.file(), f.line()))).append(": ").append(text(f.message())).append("\n");
        if (f.fix() != null && !f.fix().isBlank()) s.append("\n*Fix:* ").append(text(f.fix())).append("\n");
        if (f.statement() != null && !f.statement().isBlank()) s.append("\n```sql\n").append(sql(f.statement())).append("\n```\n");
        return s.append("\n").toString();
    }

    private static String statementRow(CheckReport.Statement s) {
        String locks = s.locks() == null ? "" : s.locks().stream()
                .map(l -> l.mode() + " on " + l.relation() + " " + Figures.ms(l.holdMs())).collect(Collectors.joining("; "));
        String rewrote = s.rewrote() == null ? "" : String.join(", ", s.rewrote());
        String error = s.error() == null ? "" : s.error().sqlstate() + " " + s.error().message()
                + (s.error().rowsInTheWay() == null ? "" : " (" + s.error().rowsInTheWay() + " rows in the way)");
        String stmt = s.sql() == null ? "" : s.sql().replaceAll("\\s+", " ").trim();
        if (stmt.length() > 80) stmt = stmt.substring(0, 79) + "…";
        return "| " + cell(where(s.file(), s.line())) + " | `" + code(stmt) + "` | " + Figures.ms(s.durationMs()) + " | " + cell(locks)
                + " | " + cell(rewrote) + " | " + Figures.bytes(s.sizeDeltaBytes()) + " | " + Figures.bytes(s.walBytes()) + " | "
                + blocked(s.blockedMs(), s.blockedQueries()) + " | " + cell(error) + " |\n";
    }

    private static String blocked(Long ms, Integer queries) {
        if ((ms == null || ms == 0) && (queries == null || queries == 0)) return ms == null && queries == null ? "" : "0";
        return Figures.ms(ms) + (queries == null ? "" : " (" + queries + (queries == 1 ? " query)" : " queries)"));
    }

    private static String where(String file, Integer line) {
        if (file == null) return line == null ? "" : "line " + line;
        return line == null ? file : file + ":" + line;
    }

    private static String severityIcon(String severity) {
        return switch (CheckRanking.severityRank(severity)) {
            case 0 -> "🛑";
            case 1 -> "⚠️";
            default -> "ℹ️";
        };
    }

    /** Text outside code: no HTML (GitHub would read it), one line. */
    static String text(String s) {
        if (s == null) return "";
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replaceAll("[\\r\\n]+", " ");
    }

    /** A table cell: text without pipes. */
    private static String cell(String s) {
        return text(s).replace("|", "\\|");
    }

    /** Inside an inline code span: no backticks or pipes, one line. */
    private static String code(String s) {
        if (s == null) return "";
        return s.replace('`', '\'').replace("|", "\\|").replaceAll("[\\r\\n]+", " ");
    }

    /** A statement in a fenced block: no fence inside, cut at {@link #SQL_SHOWN} characters. */
    private static String sql(String s) {
        String t = s.strip().replace("```", "'''");
        return t.length() > SQL_SHOWN ? t.substring(0, SQL_SHOWN) + "\n-- … (" + (t.length() - SQL_SHOWN) + " more characters)" : t;
    }

    /** Appends parts while they fit, keeping room for the closing tags and a note on what was left out. */
    private static final class Budget {
        private static final int RESERVE = 600;
        private final StringBuilder sb = new StringBuilder();
        private final StringBuilder notes = new StringBuilder();
        private final int limit;
        private boolean full;

        Budget(int limit) { this.limit = limit; }

        Budget always(String s) {
            sb.append(s);
            return this;
        }

        /** Appends {@code s} (cut to {@code max} characters) when it fits; false (and nothing more is added) once it does not. */
        boolean add(String s, int max) {
            if (s.length() > max) s = s.substring(0, max - 2) + "…\n";
            if (full || sb.length() + s.length() + RESERVE > limit) {
                full = true;
                return false;
            }
            sb.append(s);
            return true;
        }

        /** Appends each item's text while it fits; notes how many of {@code what} were left out. */
        <T> void each(List<T> items, java.util.function.Function<T, String> text, int max, String what) {
            int shown = 0;
            for (T item : items) {
                if (!add(text.apply(item), max)) break;
                shown++;
            }
            if (shown < items.size()) notes.append(items.size() - shown).append(" ").append(what).append(", ");
        }

        String finish() {
            if (notes.length() > 0) {
                sb.append("*Cut to fit one comment: ").append(notes, 0, notes.length() - 2)
                        .append(" left out. The whole report is in dolly-check.json (and dolly-check.junit.xml).*\n");
            }
            String s = sb.toString();
            // a very long summary line could still overflow: never answer more than the limit
            return s.length() < limit ? s : s.substring(0, limit - 80) + "\n\n*… cut at " + limit + " characters.*\n";
        }
    }
}
