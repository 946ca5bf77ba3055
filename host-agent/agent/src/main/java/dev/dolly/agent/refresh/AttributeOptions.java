package dev.dolly.agent.refresh;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Column options in a pre-data dump that PostgreSQL itself does not define. PostgreSQL's attribute options are
 * {@code n_distinct} and {@code n_distinct_inherited}; a build may keep options of its own in
 * {@code pg_attribute.attoptions} (Debian's PostgreSQL 17 sets an internal {@code pg_attver} on every column).
 * That build's own pg_dump leaves them out, but a newer major's pg_dump, which an upgrade rehearsal uses, carries
 * them as {@code ALTER TABLE … ALTER COLUMN … SET (pg_attver=…)}, and the target refuses the whole table
 * ("unrecognized parameter"). Such options are left out of the statement (the statement goes when nothing is
 * left), and the caller reports what went; PostgreSQL's own options are kept as they are.
 */
final class AttributeOptions {
    static final Set<String> POSTGRES_OWN = Set.of("n_distinct", "n_distinct_inherited");

    private static final Pattern SET_OPTIONS = Pattern.compile(
            "^(ALTER\\s+TABLE\\s+(?:ONLY\\s+)?.+?\\s+ALTER\\s+COLUMN\\s+.+?\\s+SET\\s*)\\((.*)\\)$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern OPTION = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*(?:=.*)?$", Pattern.DOTALL);

    private AttributeOptions() {}

    /** {@code sql} without foreign column options; {@code left} names them (empty: the sql is unchanged). */
    record Filtered(String sql, Set<String> left, int statements) {}

    static Filtered filter(String sql) {
        if (!sql.toLowerCase(Locale.ROOT).contains("alter column")) return new Filtered(sql, Set.of(), 0);
        Set<String> left = new LinkedHashSet<>();
        int touched = 0;
        List<String> kept = new ArrayList<>();
        for (String statement : SqlScript.statements(sql)) {
            Matcher m = SET_OPTIONS.matcher(statement);
            if (!m.matches()) {
                kept.add(statement);
                continue;
            }
            List<String> own = new ArrayList<>();
            boolean foreign = false;
            for (String option : m.group(2).split(",")) {
                Matcher o = OPTION.matcher(option);
                String name = o.matches() ? o.group(1).toLowerCase(Locale.ROOT) : null;
                if (name != null && !POSTGRES_OWN.contains(name)) {
                    left.add(name);
                    foreign = true;
                } else {
                    own.add(option.strip());
                }
            }
            if (!foreign) {
                kept.add(statement);
                continue;
            }
            touched++;
            if (!own.isEmpty()) kept.add(m.group(1) + "(" + String.join(", ", own) + ")");
        }
        if (touched == 0) return new Filtered(sql, Set.of(), 0);
        StringBuilder out = new StringBuilder();
        for (String s : kept) out.append(s).append(";\n");
        return new Filtered(out.toString(), left, touched);
    }
}
