package dev.dolly.agent.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How one migration file runs, as the application's migration tool would run it: the whole file in one transaction,
 * unless it holds a statement that cannot run in one ({@code CONCURRENTLY}, {@code VACUUM}, …) or its own
 * {@code BEGIN}/{@code COMMIT}; then each statement runs on its own and explicit transaction blocks are honoured.
 * {@link Step#inTransaction()} says whether a step runs inside a transaction block (implicit or explicit).
 */
public record TxPlan(String file, boolean wrapped, List<Step> steps) {

    /** A statement and whether it runs inside a transaction block. */
    public record Step(SqlStatement statement, boolean inTransaction, Control control) {}

    /** Transaction control a statement is. */
    public enum Control { NONE, BEGIN, END }

    private static final Pattern NO_TX = Pattern.compile(
            "^(CREATE\\s+(UNIQUE\\s+)?INDEX\\s+CONCURRENTLY|DROP\\s+INDEX\\s+CONCURRENTLY|REINDEX\\b.*\\bCONCURRENTLY|VACUUM\\b"
            + "|CREATE\\s+DATABASE|DROP\\s+DATABASE|ALTER\\s+SYSTEM|CREATE\\s+TABLESPACE|DROP\\s+TABLESPACE"
            + "|ALTER\\s+TABLE\\b.*\\bDETACH\\s+PARTITION\\b.*\\bCONCURRENTLY)", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern BEGIN = Pattern.compile("^(BEGIN|START\\s+TRANSACTION)\\b(?!\\s+ATOMIC)", Pattern.CASE_INSENSITIVE);
    private static final Pattern END = Pattern.compile("^(COMMIT|END|ROLLBACK|ABORT)\\b(?!\\s+PREPARED)(?!\\s+TO\\b)",
            Pattern.CASE_INSENSITIVE);

    public static TxPlan of(String file, List<SqlStatement> statements) {
        boolean explicit = statements.stream().anyMatch(s -> control(s) != Control.NONE);
        boolean noTx = statements.stream().anyMatch(TxPlan::needsNoTransaction);
        boolean wrapped = !explicit && !noTx;
        List<Step> steps = new ArrayList<>();
        boolean open = false;
        for (SqlStatement s : statements) {
            Control c = control(s);
            if (c == Control.BEGIN) {
                open = true;
                steps.add(new Step(s, false, c));
            } else if (c == Control.END) {
                steps.add(new Step(s, open, c));
                open = false;
            } else {
                steps.add(new Step(s, wrapped || open, c));
            }
        }
        return new TxPlan(file, wrapped, List.copyOf(steps));
    }

    /**
     * Statements as a client sent them one by one (observe mode): each its own transaction, explicit
     * {@code BEGIN}/{@code COMMIT} honoured.
     */
    public static TxPlan asSent(String file, List<SqlStatement> statements) {
        List<Step> steps = new ArrayList<>();
        boolean open = false;
        for (SqlStatement s : statements) {
            Control c = control(s);
            steps.add(new Step(s, c == Control.BEGIN ? false : open, c));
            open = c == Control.BEGIN || (c == Control.NONE && open);
        }
        return new TxPlan(file, false, List.copyOf(steps));
    }

    public static Control control(SqlStatement s) {
        String shape = s.shape();
        if (BEGIN.matcher(shape).find()) {
            return Control.BEGIN;
        }
        return END.matcher(shape).find() ? Control.END : Control.NONE;
    }

    public static boolean needsNoTransaction(SqlStatement s) {
        return NO_TX.matcher(s.shape()).find();
    }

    /** Upper-cased shape, for keyword matching. */
    static String upper(SqlStatement s) {
        return s.shape().toUpperCase(Locale.ROOT);
    }
}
