package dev.dolly.agent.api;

import java.util.List;

/**
 * Start a migration check on an existing clone (issue 14). {@code mode} is {@code files} (the agent runs
 * {@code migrations} itself, statement by statement, a ZFS savepoint before each file) or {@code observe} (the
 * caller runs its own migration tool against the clone between this call and {@code finish}; {@code migrations}
 * is empty). {@code checkId} is chosen by the caller and makes the call idempotent. {@code probe} and
 * {@code thresholds} are optional (null: the defaults).
 */
public record CheckRequest(String checkId, String mode, List<Migration> migrations, Probe probe, Thresholds thresholds) {

    /** One migration file: its name as the CI job knows it and its SQL text. */
    public record Migration(String name, String sql) {}

    /**
     * The traffic production would send while the migration runs: {@code sessions} sessions issuing short reads
     * and writes on every table the migration touches, {@code ratePerSecond} queries per second in all;
     * {@code longTransaction}: first hold a long-running transaction on a touched table (the lock-queue variant).
     */
    public record Probe(int sessions, int ratePerSecond, boolean longTransaction) {}

    /**
     * Verdict thresholds: fail when a lock blocks probe queries longer than {@code failBlockedMs} or a statement
     * errors; warn on a lint error and on a rewrite of a table larger than {@code warnRewriteBytes}.
     */
    public record Thresholds(long failBlockedMs, long warnRewriteBytes) {
        public static final Thresholds DEFAULTS = new Thresholds(1000, 10L * 1024 * 1024);
    }
}
