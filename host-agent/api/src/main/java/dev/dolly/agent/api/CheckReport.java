package dev.dolly.agent.api;

import java.util.List;

/**
 * What a migration check found (issue 14). Never holds a row value: statements, locks, sizes, counts and SQL
 * states only. {@code verdict}: {@code pass}, {@code warn} or {@code fail}. {@code markdown} and {@code junit} are
 * the same report for a pull-request comment and for CI systems that render JUnit XML; the agent leaves them null
 * and the control plane renders them.
 */
public record CheckReport(String check, String verdict, long durationMs, List<Finding> findings, List<Statement> statements,
                          String markdown, String junit) {

    /**
     * One finding: a lint rule ({@code require-concurrent-index-creation}, …) or a dynamic one ({@code blocked-queries},
     * {@code table-rewrite}, {@code statement-error}, …). {@code severity}: {@code error}, {@code warning}, {@code info}.
     * {@code lock} is the PostgreSQL lock mode it concerns ({@code AccessExclusiveLock}, …); {@code fix} the safe rewrite.
     */
    public record Finding(String rule, String severity, String file, String statement, Integer line, String table,
                          String lock, Long holdMs, Long blockedMs, Integer blockedQueries, String message, String fix) {}

    /**
     * One statement (files mode) or one transaction (observe mode) as it ran on the clone: {@code locks} on relations
     * that existed before the migration, {@code rewrote} the tables it rewrote, its size delta and WAL in bytes.
     */
    public record Statement(String file, int line, String sql, long durationMs, List<Lock> locks, List<String> rewrote,
                            long sizeDeltaBytes, long walBytes, Long blockedMs, Integer blockedQueries, Error error) {}

    /** A lock held on a relation: its mode and how long it was held (acquisition to commit). */
    public record Lock(String relation, String mode, long holdMs) {}

    /** A statement's error; {@code rowsInTheWay} counts the rows behind a data-dependent failure, never which. */
    public record Error(String sqlstate, String message, Long rowsInTheWay) {}
}
