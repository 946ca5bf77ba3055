package dev.dolly.functions.check;

import dev.dolly.agent.api.CheckReport;
import dev.dolly.control.api.Figures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A check's report as JUnit XML, for CI systems that render it: one test case per migration file (failed when one of
 * its statements errored) and one per finding (failed when its severity is {@code error}; warnings and info pass, their
 * text in {@code system-out}). Everything is escaped; characters XML cannot hold are dropped.
 */
public final class CheckJunit {
    private CheckJunit() {}

    public static String render(CheckReport r, String template) {
        String suite = "dolly-check" + (template == null ? "" : "." + template);
        List<String> cases = new ArrayList<>();
        int failures = 0;
        Map<String, List<CheckReport.Statement>> byFile = new LinkedHashMap<>();
        if (r.statements() != null) {
            for (CheckReport.Statement s : r.statements()) {
                byFile.computeIfAbsent(s.file() == null ? "(migration)" : s.file(), k -> new ArrayList<>()).add(s);
            }
        }
        for (Map.Entry<String, List<CheckReport.Statement>> e : byFile.entrySet()) {
            long ms = e.getValue().stream().mapToLong(CheckReport.Statement::durationMs).sum();
            CheckReport.Statement failed = e.getValue().stream().filter(s -> s.error() != null).findFirst().orElse(null);
            StringBuilder c = new StringBuilder();
            c.append("    <testcase classname=\"").append(attr(suite + ".files")).append("\" name=\"").append(attr(e.getKey()))
                    .append("\" time=\"").append(seconds(ms)).append("\"");
            if (failed == null) {
                c.append("/>\n");
            } else {
                failures++;
                CheckReport.Error err = failed.error();
                String message = "statement at line " + failed.line() + " failed: " + err.sqlstate() + " " + err.message()
                        + (err.rowsInTheWay() == null ? "" : " (" + err.rowsInTheWay() + " rows in the way)");
                c.append(">\n      <failure type=\"statement-error\" message=\"").append(attr(message)).append("\">")
                        .append(text(message + "\n\n" + (failed.sql() == null ? "" : failed.sql()))).append("</failure>\n    </testcase>\n");
            }
            cases.add(c.toString());
        }
        for (CheckReport.Finding f : CheckRanking.sorted(r)) {
            StringBuilder c = new StringBuilder();
            String where = (f.file() == null ? "" : f.file()) + (f.line() == null ? "" : ":" + f.line());
            String name = f.rule() + (where.isEmpty() ? "" : " at " + where) + (f.table() == null ? "" : " on " + f.table());
            String body = (f.message() == null ? "" : f.message()) + (f.fix() == null ? "" : "\nFix: " + f.fix())
                    + (f.lock() == null ? "" : "\nLock: " + f.lock()) + (f.holdMs() == null ? "" : "\nHeld: " + Figures.ms(f.holdMs()))
                    + (f.blockedMs() == null ? "" : "\nBlocked: " + Figures.ms(f.blockedMs())
                    + (f.blockedQueries() == null ? "" : " (" + f.blockedQueries() + " queries)"))
                    + (f.statement() == null ? "" : "\n\n" + f.statement());
            c.append("    <testcase classname=\"").append(attr(suite + ".findings")).append("\" name=\"").append(attr(name))
                    .append("\" time=\"0.000\">\n");
            if (CheckRanking.severityRank(f.severity()) == 0) {
                failures++;
                c.append("      <failure type=\"").append(attr(f.rule())).append("\" message=\"").append(attr(f.message()))
                        .append("\">").append(text(body)).append("</failure>\n");
            } else {
                c.append("      <system-out>").append(text((f.severity() == null ? "" : f.severity().toLowerCase(Locale.ROOT) + ": ") + body))
                        .append("</system-out>\n");
            }
            cases.add(c.append("    </testcase>\n").toString());
        }
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        String time = seconds(r.durationMs());
        x.append("<testsuites name=\"dolly migration check\" tests=\"").append(cases.size()).append("\" failures=\"").append(failures)
                .append("\" errors=\"0\" time=\"").append(time).append("\">\n");
        x.append("  <testsuite name=\"").append(attr(suite)).append("\" tests=\"").append(cases.size()).append("\" failures=\"")
                .append(failures).append("\" errors=\"0\" skipped=\"0\" time=\"").append(time).append("\">\n");
        x.append("    <properties>\n      <property name=\"check\" value=\"").append(attr(r.check())).append("\"/>\n")
                .append("      <property name=\"verdict\" value=\"").append(attr(r.verdict())).append("\"/>\n    </properties>\n");
        cases.forEach(x::append);
        return x.append("  </testsuite>\n</testsuites>\n").toString();
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.3f", ms / 1000.0);
    }

    /** Escaped for an attribute value (quotes too; newlines kept as character references). */
    static String attr(String s) {
        return text(s).replace("\"", "&quot;").replace("'", "&apos;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;");
    }

    /** Escaped for element text; characters XML 1.0 cannot hold (most control characters, lone surrogates) dropped. */
    static String text(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(ch).append(s.charAt(++i));
                continue;
            }
            boolean allowed = ch == '\t' || ch == '\n' || ch == '\r' || (ch >= 0x20 && ch <= 0xD7FF) || (ch >= 0xE000 && ch <= 0xFFFD);
            if (!allowed) continue;
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
