package dev.dolly.agent.refresh;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Objects of an upgrade rehearsal that failed to restore into the newer major, collected instead
 * of stopping at the first (the report should show them all), each with its SQL state and
 * statement. Nothing is dropped silently: {@link #check} fails the refresh when a failure is not
 * named in {@code upgrade.allowFailures} (by {@code schema.name}, bare name, or the dump's label
 * such as {@code VIEW public.report}). Thread-safe: post-data runs in parallel.
 */
final class RestoreFailures {
    private static final int STATEMENT_CHARS = 400;

    /** One object that did not restore. */
    record Failure(String object, String type, String sqlState, String message, String statement, boolean allowed) {
        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("object", object);
            m.put("type", type);
            m.put("sqlState", sqlState);
            m.put("message", message);
            m.put("statement", statement);
            m.put("allowed", allowed);
            return m;
        }
    }

    private final List<String> allowed;
    private final String template;
    private final List<Failure> failures = new ArrayList<>();

    RestoreFailures(String template, List<String> allowed) {
        this.template = template;
        this.allowed = List.copyOf(allowed);
    }

    /** {@code schema.name} of an entry (its name alone when it has no schema). */
    static String object(SqlScript.Entry e) {
        return e.schema() == null || e.schema().isEmpty() || e.schema().equals("-") ? e.name() : e.schema() + "." + e.name();
    }

    boolean isAllowed(SqlScript.Entry e) {
        return allowed.contains(object(e)) || allowed.contains(e.name()) || allowed.contains(e.label());
    }

    synchronized void add(SqlScript.Entry e, SQLException ex) {
        String sql = e.sql().strip();
        if (sql.length() > STATEMENT_CHARS) {
            sql = sql.substring(0, STATEMENT_CHARS) + "…";
        }
        String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage().lines().findFirst().orElse("");
        failures.add(new Failure(object(e), e.type(), ex.getSQLState(), msg, sql, isAllowed(e)));
    }

    synchronized List<Failure> all() {
        return List.copyOf(failures);
    }

    /** Fails the refresh (phase {@code phase}) when an object failed that allowFailures does not name. */
    synchronized void check(String phase, int sourceMajor, int targetMajor) {
        List<Failure> refused = failures.stream().filter(f -> !f.allowed()).toList();
        if (refused.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder("upgrade rehearsal " + sourceMajor + " → " + targetMajor + ": " + refused.size()
                + " object" + (refused.size() == 1 ? "" : "s") + " failed to restore on PostgreSQL " + targetMajor + ": ");
        for (int i = 0; i < refused.size(); i++) {
            Failure f = refused.get(i);
            b.append(i == 0 ? "" : "; ").append(f.type()).append(' ').append(f.object()).append(" (SQLSTATE ").append(f.sqlState())
                    .append(": ").append(f.message()).append(") in: ").append(f.statement().replaceAll("\\s+", " "));
        }
        b.append(". Fix them on the source, or accept them with templates.").append(template).append(".upgrade.allowFailures: [")
                .append(String.join(", ", refused.stream().map(Failure::object).toList())).append("]");
        throw RefreshException.failed(phase, null, b.toString(), null);
    }
}
