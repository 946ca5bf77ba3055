package dev.dolly.agent.check;

import dev.dolly.agent.api.CheckReport.Finding;
import dev.dolly.agent.check.Rule.Locks;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the static {@link Rule}s to a migration's files in order. File context it keeps: tables created earlier in
 * the check (rules about existing tables skip them), whether {@code lock_timeout} is set, which transaction holds an
 * AccessExclusiveLock, and constraints added {@code NOT VALID} in the current transaction. A rule named in the
 * statement's {@code -- dolly:ignore} comment is not reported.
 */
public final class Linter {
    private static final int F = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    private static final String N = SqlNames.NAME;
    private static final Pattern ALTER_TABLE = Pattern.compile("^ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?(" + N + ")\\s*\\*?\\s+(.*)$", F);
    private static final Pattern CREATE_INDEX = Pattern.compile(
            "^CREATE\\s+(UNIQUE\\s+)?INDEX\\s+(CONCURRENTLY\\s+)?(IF\\s+NOT\\s+EXISTS\\s+)?(?:" + N + "\\s+)?ON\\s+(?:ONLY\\s+)?(" + N + ")", F);
    private static final Pattern DROP_INDEX = Pattern.compile("^DROP\\s+INDEX\\s+(CONCURRENTLY\\s+)?(IF\\s+EXISTS\\s+)?", F);
    private static final Pattern DROP_TABLE = Pattern.compile("^DROP\\s+TABLE\\s+(IF\\s+EXISTS\\s+)?(" + N + ")", F);
    private static final Pattern CREATE_TABLE = Pattern.compile(
            "^CREATE\\s+(?:(?:GLOBAL\\s+|LOCAL\\s+)?(?:TEMP|TEMPORARY|UNLOGGED)\\s+)?TABLE\\s+(IF\\s+NOT\\s+EXISTS\\s+)?(" + N + ")", F);
    private static final Pattern REFRESH = Pattern.compile("^REFRESH\\s+MATERIALIZED\\s+VIEW\\s+(CONCURRENTLY\\s+)?(" + N + ")", F);
    private static final Pattern VACUUM_FULL = Pattern.compile("^VACUUM\\s*(\\([^)]*\\bFULL\\b[^)]*\\)|\\s+FULL\\b)(?:.*?\\s(" + N + ")\\s*$)?", F);
    private static final Pattern CLUSTER = Pattern.compile("^CLUSTER\\b(?:\\s+(?:VERBOSE\\s+)?(" + N + "))?", F);
    private static final Pattern LOCK_TIMEOUT = Pattern.compile("^SET\\s+(SESSION\\s+|LOCAL\\s+)?lock_timeout\\b|set_config\\s*\\(\\s*'lock_timeout'", F);
    private static final Pattern TRUNCATE = Pattern.compile("^TRUNCATE\\s+(?:TABLE\\s+)?(?:ONLY\\s+)?(" + N + ")", F);

    private static final Pattern ADD_CONSTRAINT = Pattern.compile("^ADD\\s+(?:CONSTRAINT\\s+" + N + "\\s+)?(CHECK|FOREIGN\\s+KEY|UNIQUE|PRIMARY\\s+KEY|EXCLUDE)\\b", F);
    private static final Pattern ADD_COLUMN = Pattern.compile("^ADD\\s+(?:COLUMN\\s+)?(IF\\s+NOT\\s+EXISTS\\s+)?(" + N + ")\\s+(.*)$", F);
    private static final Pattern ALTER_TYPE = Pattern.compile("^ALTER\\s+(?:COLUMN\\s+)?(" + N + ")\\s+(?:SET\\s+DATA\\s+)?TYPE\\s+(.*)$", F);
    private static final Pattern SET_NOT_NULL = Pattern.compile("^ALTER\\s+(?:COLUMN\\s+)?(" + N + ")\\s+SET\\s+NOT\\s+NULL\\b", F);
    private static final Pattern DROP_COLUMN = Pattern.compile("^DROP\\s+(?!CONSTRAINT\\b)(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?(" + N + ")", F);
    private static final Pattern RENAME_COLUMN = Pattern.compile("^RENAME\\s+(?!TO\\b|CONSTRAINT\\b)(?:COLUMN\\s+)?(" + N + ")\\s+TO\\b", F);
    private static final Pattern RENAME_TABLE = Pattern.compile("^RENAME\\s+TO\\b", F);
    private static final Pattern VALIDATE = Pattern.compile("^VALIDATE\\s+CONSTRAINT\\s+(" + N + ")", F);
    private static final Pattern CONSTRAINT_NAME = Pattern.compile("^ADD\\s+CONSTRAINT\\s+(" + N + ")", F);
    private static final Pattern DEFAULT = Pattern.compile("\\bDEFAULT\\s+(.*?)(?:\\s+(?:NOT\\s+NULL|NULL|CHECK|REFERENCES|UNIQUE|PRIMARY|CONSTRAINT|COLLATE|GENERATED)\\b.*)?$", F);
    private static final Pattern CALL = Pattern.compile("([A-Za-z_][A-Za-z0-9_.]*)\\s*\\(");
    private static final Set<String> STABLE_CALLS = Set.of("now", "current_date", "current_timestamp", "localtimestamp", "lower", "upper",
            "coalesce", "array", "jsonb_build_object", "json_build_object", "jsonb_build_array", "make_interval", "interval", "numeric",
            "varchar", "char", "timestamp", "timestamptz", "transaction_timestamp", "statement_timestamp", "to_jsonb", "cast", "concat",
            "nullif", "greatest", "least", "round", "abs", "length", "date", "decimal", "bit", "time");
    private static final Pattern SERIAL = Pattern.compile("^\\s*(SMALLSERIAL|SERIAL2|SERIAL|SERIAL4|BIGSERIAL|SERIAL8)\\b", F);
    private static final Pattern WIDENING = Pattern.compile("^(VARCHAR|CHARACTER\\s+VARYING|TEXT)\\b(?!.*\\bUSING\\b)", F);

    private final Set<String> created = new HashSet<>();
    private final List<Finding> findings = new ArrayList<>();
    private boolean lockTimeout;
    private boolean lockTimeoutLocal;
    private boolean reportedNoTimeout;

    /** All findings of the check's files, in file order. */
    public static List<Finding> lint(List<TxPlan> files) {
        Linter l = new Linter();
        for (TxPlan f : files) {
            l.file(f);
        }
        return List.copyOf(l.findings);
    }

    private void file(TxPlan plan) {
        reportedNoTimeout = false;
        String aelTable = null; // table under AccessExclusiveLock in the current transaction
        boolean reportedAfterAel = false;
        Set<String> notValidHere = new HashSet<>();
        boolean wasInTx = false;
        for (TxPlan.Step step : plan.steps()) {
            SqlStatement s = step.statement();
            if (!step.inTransaction() || step.control() == TxPlan.Control.BEGIN) {
                if (wasInTx || step.control() == TxPlan.Control.BEGIN) {
                    aelTable = null;
                    reportedAfterAel = false;
                    notValidHere.clear();
                    lockTimeoutLocal = false;
                }
            }
            wasInTx = step.inTransaction() && step.control() != TxPlan.Control.END;
            if (step.control() != TxPlan.Control.NONE) {
                continue;
            }
            if (aelTable != null && !reportedAfterAel) {
                add(Rule.STATEMENTS_AFTER_ACCESS_EXCLUSIVE, s, aelTable, null);
                reportedAfterAel = true;
            }
            Stmt st = classify(s, step, notValidHere);
            if (st.lock != null && Locks.dangerous(st.lock) && st.table != null && !created.contains(SqlNames.key(st.table))
                    && !lockTimeout && !(lockTimeoutLocal && step.inTransaction()) && !reportedNoTimeout) {
                addWithLock(Rule.REQUIRE_LOCK_TIMEOUT, s, st.table, st.lock, null);
                reportedNoTimeout = true;
            }
            if (step.inTransaction() && Locks.ACCESS_EXCLUSIVE.equals(st.lock) && st.table != null
                    && !created.contains(SqlNames.key(st.table)) && aelTable == null) {
                aelTable = st.table;
            }
            if (!step.inTransaction() && !plan.wrapped()) {
                robust(s);
            }
        }
        if (!plan.wrapped()) {
            lockTimeoutLocal = false;
        }
    }

    /** What a statement locks (the strongest mode, on which table); reports its rules on the way. */
    private record Stmt(String table, String lock) {}

    private Stmt classify(SqlStatement s, TxPlan.Step step, Set<String> notValidHere) {
        String sh = s.shape();
        Matcher m;
        if (LOCK_TIMEOUT.matcher(sh).find()) {
            boolean on = !sh.matches("(?is).*lock_timeout\\s*(=|TO)\\s*'?0'?\\s*$");
            if (sh.toUpperCase(Locale.ROOT).matches("^SET\\s+LOCAL\\b.*")) {
                lockTimeoutLocal = on;
            } else {
                lockTimeout = on;
            }
            return new Stmt(null, null);
        }
        if ((m = CREATE_TABLE.matcher(sh)).find()) {
            created.add(SqlNames.key(m.group(2)));
            return new Stmt(null, null);
        }
        if ((m = CREATE_INDEX.matcher(sh)).find()) {
            String table = m.group(4);
            boolean fresh = created.contains(SqlNames.key(table));
            if (m.group(2) == null) {
                if (!fresh) {
                    add(Rule.REQUIRE_CONCURRENT_INDEX_CREATION, s, table, null);
                }
                return new Stmt(table, Locks.SHARE);
            }
            if (step.inTransaction()) {
                add(Rule.BAN_CONCURRENT_INDEX_CREATION_IN_TRANSACTION, s, table, null);
            }
            return new Stmt(table, Locks.SHARE_UPDATE_EXCLUSIVE);
        }
        if ((m = DROP_INDEX.matcher(sh)).find()) {
            if (m.group(1) == null) {
                add(Rule.REQUIRE_CONCURRENT_INDEX_DELETION, s, null, null);
                return new Stmt(null, Locks.ACCESS_EXCLUSIVE);
            }
            return new Stmt(null, Locks.SHARE_UPDATE_EXCLUSIVE);
        }
        if ((m = DROP_TABLE.matcher(sh)).find()) {
            String table = m.group(2);
            if (!created.remove(SqlNames.key(table))) {
                add(Rule.BAN_DROP_TABLE, s, table, null);
                return new Stmt(table, Locks.ACCESS_EXCLUSIVE);
            }
            return new Stmt(null, null);
        }
        if ((m = REFRESH.matcher(sh)).find()) {
            if (m.group(1) == null) {
                add(Rule.NON_CONCURRENT_REFRESH_MATERIALIZED_VIEW, s, m.group(2), null);
                return new Stmt(m.group(2), Locks.ACCESS_EXCLUSIVE);
            }
            return new Stmt(m.group(2), Locks.EXCLUSIVE);
        }
        if ((m = VACUUM_FULL.matcher(sh)).find()) {
            add(Rule.VACUUM_FULL_OR_CLUSTER, s, m.group(2), null);
            return new Stmt(m.group(2), Locks.ACCESS_EXCLUSIVE);
        }
        if ((m = CLUSTER.matcher(sh)).find()) {
            add(Rule.VACUUM_FULL_OR_CLUSTER, s, m.group(1), null);
            return new Stmt(m.group(1), Locks.ACCESS_EXCLUSIVE);
        }
        if ((m = TRUNCATE.matcher(sh)).find()) {
            return new Stmt(m.group(1), Locks.ACCESS_EXCLUSIVE);
        }
        if ((m = ALTER_TABLE.matcher(sh)).find()) {
            return alterTable(s, m.group(1), m.group(2), notValidHere);
        }
        return new Stmt(null, null);
    }

    private Stmt alterTable(SqlStatement s, String table, String actions, Set<String> notValidHere) {
        boolean fresh = created.contains(SqlNames.key(table));
        String lock = null;
        for (String a : topLevelCommas(actions)) {
            String mode = action(s, table, a.strip(), fresh, notValidHere);
            lock = stronger(lock, mode);
        }
        return new Stmt(table, lock);
    }

    private String action(SqlStatement s, String table, String a, boolean fresh, Set<String> notValidHere) {
        Matcher m;
        boolean notValid = a.toUpperCase(Locale.ROOT).matches(".*\\bNOT\\s+VALID\\s*$");
        if ((m = ADD_CONSTRAINT.matcher(a)).find()) {
            String kind = m.group(1).toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
            Matcher name = CONSTRAINT_NAME.matcher(a);
            if (notValid && name.find()) {
                notValidHere.add(SqlNames.key(name.group(1)));
            }
            boolean usingIndex = a.toUpperCase(Locale.ROOT).contains("USING INDEX");
            if (fresh) {
                return Locks.ACCESS_EXCLUSIVE;
            }
            switch (kind) {
                case "FOREIGN KEY":
                    if (!notValid) {
                        add(Rule.ADDING_FOREIGN_KEY_CONSTRAINT, s, table, null);
                    }
                    return Locks.SHARE_ROW_EXCLUSIVE;
                case "CHECK":
                    if (!notValid) {
                        add(Rule.CONSTRAINT_MISSING_NOT_VALID, s, table, null);
                    }
                    return Locks.ACCESS_EXCLUSIVE;
                case "UNIQUE":
                    if (!usingIndex) {
                        add(Rule.DISALLOWED_UNIQUE_CONSTRAINT, s, table, null);
                    }
                    return Locks.ACCESS_EXCLUSIVE;
                case "PRIMARY KEY":
                    if (!usingIndex) {
                        add(Rule.ADDING_SERIAL_PRIMARY_KEY_FIELD, s, table, null);
                    }
                    return Locks.ACCESS_EXCLUSIVE;
                default:
                    return Locks.ACCESS_EXCLUSIVE;
            }
        }
        if ((m = VALIDATE.matcher(a)).find()) {
            if (notValidHere.contains(SqlNames.key(m.group(1)))) {
                addWithLock(Rule.CONSTRAINT_MISSING_NOT_VALID, s, table, Locks.SHARE_UPDATE_EXCLUSIVE,
                        "VALIDATE CONSTRAINT in the same transaction as its ADD … NOT VALID keeps the ADD's lock during the whole check");
            }
            return Locks.SHARE_UPDATE_EXCLUSIVE;
        }
        if ((m = ADD_COLUMN.matcher(a)).find() && !a.toUpperCase(Locale.ROOT).matches("^ADD\\s+(CONSTRAINT|CHECK|FOREIGN|UNIQUE|PRIMARY|EXCLUDE)\\b.*")) {
            if (!fresh) {
                addColumn(s, table, m.group(3));
            }
            return a.toUpperCase(Locale.ROOT).contains("REFERENCES") ? Locks.ACCESS_EXCLUSIVE : Locks.ACCESS_EXCLUSIVE;
        }
        if (fresh) {
            return Locks.ACCESS_EXCLUSIVE;
        }
        if ((m = ALTER_TYPE.matcher(a)).find()) {
            boolean widening = WIDENING.matcher(m.group(2)).find();
            addWithSeverity(Rule.CHANGING_COLUMN_TYPE, s, table, widening ? "warning" : null, widening
                    ? "changing a column's type to varchar or text usually keeps the data as is (no rewrite when it only widens), "
                    + "but the statement still takes AccessExclusiveLock" : null);
            return Locks.ACCESS_EXCLUSIVE;
        }
        if (SET_NOT_NULL.matcher(a).find()) {
            add(Rule.ADDING_NOT_NULLABLE_FIELD, s, table, null);
            return Locks.ACCESS_EXCLUSIVE;
        }
        if (DROP_COLUMN.matcher(a).find()) {
            add(Rule.BAN_DROP_COLUMN, s, table, null);
            return Locks.ACCESS_EXCLUSIVE;
        }
        if (RENAME_TABLE.matcher(a).find()) {
            add(Rule.RENAMING_TABLE, s, table, null);
            return Locks.ACCESS_EXCLUSIVE;
        }
        if (RENAME_COLUMN.matcher(a).find()) {
            add(Rule.RENAMING_COLUMN, s, table, null);
            return Locks.ACCESS_EXCLUSIVE;
        }
        if (a.toUpperCase(Locale.ROOT).matches("^(SET\\s+STATISTICS|ALTER\\s+(COLUMN\\s+)?\\S+\\s+SET\\s+STATISTICS|CLUSTER\\s+ON|SET\\s+WITHOUT\\s+CLUSTER|SET\\s*\\().*")) {
            return Locks.SHARE_UPDATE_EXCLUSIVE;
        }
        return Locks.ACCESS_EXCLUSIVE;
    }

    private void addColumn(SqlStatement s, String table, String def) {
        String up = def.toUpperCase(Locale.ROOT);
        Matcher d = DEFAULT.matcher(def);
        boolean hasDefault = d.find();
        if (SERIAL.matcher(def).find() || up.contains("PRIMARY KEY")) {
            add(Rule.ADDING_SERIAL_PRIMARY_KEY_FIELD, s, table, null);
        }
        if (up.contains("GENERATED ALWAYS AS") && up.contains("STORED")) {
            add(Rule.ADDING_FIELD_WITH_DEFAULT, s, table, null);
        } else if (hasDefault && volatileExpr(d.group(1))) {
            add(Rule.ADDING_FIELD_WITH_DEFAULT, s, table, null);
        }
        if (up.matches(".*\\bNOT\\s+NULL\\b.*") && !hasDefault && !up.contains("GENERATED") && !SERIAL.matcher(def).find()) {
            add(Rule.ADDING_REQUIRED_FIELD, s, table, null);
        }
        if (up.matches(".*\\bUNIQUE\\b.*")) {
            add(Rule.DISALLOWED_UNIQUE_CONSTRAINT, s, table, null);
        }
        if (up.matches(".*\\bREFERENCES\\b.*")) {
            add(Rule.ADDING_FOREIGN_KEY_CONSTRAINT, s, table, null);
        }
    }

    /** A default expression that may be volatile: a call of a function not known to be stable or immutable. */
    static boolean volatileExpr(String expr) {
        String e = expr.replaceAll("'(?:[^']|'')*'", "''");
        Matcher c = CALL.matcher(e);
        while (c.find()) {
            String fn = c.group(1).toLowerCase(Locale.ROOT);
            fn = fn.substring(fn.lastIndexOf('.') + 1);
            if (!STABLE_CALLS.contains(fn)) {
                return true;
            }
        }
        return false;
    }

    private void robust(SqlStatement s) {
        String up = s.shape().toUpperCase(Locale.ROOT);
        boolean fragile = (up.matches("^CREATE\\s+(UNIQUE\\s+)?INDEX\\b.*") || up.matches("^CREATE\\s+TABLE\\b.*"))
                && !up.contains("IF NOT EXISTS")
                || up.matches("^DROP\\s+(INDEX|TABLE)\\b.*") && !up.contains("IF EXISTS")
                || up.matches("^ALTER\\s+TABLE\\b.*\\bADD\\s+COLUMN\\b.*") && !up.contains("IF NOT EXISTS");
        if (fragile) {
            add(Rule.PREFER_ROBUST_STMTS, s, null, null);
        }
    }

    private static String stronger(String a, String b) {
        List<String> order = List.of(Locks.ACCESS_SHARE, Locks.ROW_EXCLUSIVE, Locks.SHARE_UPDATE_EXCLUSIVE, Locks.SHARE,
                Locks.SHARE_ROW_EXCLUSIVE, Locks.EXCLUSIVE, Locks.ACCESS_EXCLUSIVE);
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return order.indexOf(a) >= order.indexOf(b) ? a : b;
    }

    /** Splits ALTER TABLE actions on commas outside parentheses and quotes. */
    static List<String> topLevelCommas(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    private void add(Rule r, SqlStatement s, String table, String message) {
        addWithSeverity(r, s, table, null, message);
    }

    private void addWithSeverity(Rule r, SqlStatement s, String table, String severity, String message) {
        emit(r, s, table, r.lock(), severity, message);
    }

    private void addWithLock(Rule r, SqlStatement s, String table, String lock, String message) {
        emit(r, s, table, lock, null, message);
    }

    private void emit(Rule r, SqlStatement s, String table, String lock, String severity, String message) {
        if (s.ignored().contains(r.id())) {
            return;
        }
        findings.add(new Finding(r.id(), severity == null ? r.severity() : severity, s.file(), Reports.excerpt(s.sql()), s.line(),
                table == null ? null : SqlNames.key(table), lock, null, null, null, message == null ? r.message() : message, r.fix()));
    }

    /** The tables a statement names (ALTER TABLE, CREATE INDEX … ON, DROP TABLE, TRUNCATE, REFRESH, VACUUM, CLUSTER). */
    public static Set<String> tablesOf(SqlStatement s) {
        Set<String> out = new LinkedHashSet<>();
        String sh = s.shape();
        for (Pattern p : List.of(ALTER_TABLE, CREATE_INDEX, DROP_TABLE, TRUNCATE, REFRESH)) {
            Matcher m = p.matcher(sh);
            if (m.find()) {
                String t = p == ALTER_TABLE || p == TRUNCATE ? m.group(1) : p == CREATE_INDEX ? m.group(4) : m.group(2);
                out.add(SqlNames.key(t));
            }
        }
        Matcher r = Pattern.compile("\\bREFERENCES\\s+(" + N + ")", F).matcher(sh);
        while (r.find()) {
            out.add(SqlNames.key(r.group(1)));
        }
        return out;
    }
}
