package dev.dolly.control.api;

import java.time.Instant;
import java.util.List;

/** What a command answers. Fronts render these; they hold no logic. */
public sealed interface CommandResult {

    /** One clone; {@code password} is set on create and password rotation only. */
    record CloneResult(CloneInfo info, String password, String message) implements CommandResult {
        @Override
        public String toString() {
            return "CloneResult[info=" + info + ", password=" + (password == null ? "null" : "***") + ", message=" + message + "]";
        }
    }

    record CloneList(List<CloneInfo> clones) implements CommandResult {}

    record SavepointInfo(String cloneId, String name, Instant createdAt) {}

    record SavepointResult(SavepointInfo savepoint, String message) implements CommandResult {}

    record SnapshotInfo(String template, String id, Instant createdAt, long sizeBytes, boolean current, int clones) {}

    record SnapshotList(String template, List<SnapshotInfo> snapshots) implements CommandResult {}

    /**
     * A template as {@code /dolly templates} shows it. {@code lastRefreshAt}/{@code lastRefreshState}: when the latest
     * refresh started and how it stands (RUNNING, READY, FAILED); {@code nextRunAt}: the schedule's next run (null: none known).
     * {@code postgres}: the major of its current snapshot; {@code upgrade}: the last upgrade rehearsal's summary (both may be null).
     */
    record TemplateInfo(String name, String description, String currentSnapshot, Instant currentSnapshotAt, String schedule,
                        Instant lastRefreshAt, String lastRefreshState, Instant nextRunAt, Integer postgres, String upgrade) {
        public TemplateInfo(String name, String description, String currentSnapshot, Instant currentSnapshotAt, String schedule) {
            this(name, description, currentSnapshot, currentSnapshotAt, schedule, null, null, null, null, null);
        }

        public TemplateInfo(String name, String description, String currentSnapshot, Instant currentSnapshotAt, String schedule,
                            Instant lastRefreshAt, String lastRefreshState, Instant nextRunAt) {
            this(name, description, currentSnapshot, currentSnapshotAt, schedule, lastRefreshAt, lastRefreshState, nextRunAt, null, null);
        }

        public TemplateInfo(String name, String description, String currentSnapshot, Instant currentSnapshotAt, String schedule,
                            Integer postgres, String upgrade) {
            this(name, description, currentSnapshot, currentSnapshotAt, schedule, null, null, null, postgres, upgrade);
        }
    }

    record TemplateList(List<TemplateInfo> templates) implements CommandResult {}

    /** A refresh job: running, or finished with {@code snapshot} or {@code error}. */
    /** {@code upgrade}: the upgrade rehearsal's summary when this refresh made an upgraded snapshot (else null). */
    record RefreshInfo(String template, String job, String state, String phase, int tablesDone, int tablesTotal,
                       long rowsCopied, Long etaSeconds, String snapshot, String error, String upgrade) implements CommandResult {
        public RefreshInfo(String template, String job, String state, String phase, int tablesDone, int tablesTotal,
                           long rowsCopied, Long etaSeconds, String snapshot, String error) {
            this(template, job, state, phase, tablesDone, tablesTotal, rowsCopied, etaSeconds, snapshot, error, null);
        }
    }

    record HostInfo(String name, boolean healthy, long freeBytes, int clones, Instant lastHeartbeat) {}

    record StatusInfo(List<HostInfo> hosts, int clones, List<RefreshInfo> refreshes) implements CommandResult {}

    /** A command that changes something and has nothing more to show (destroy). */
    record Done(String message) implements CommandResult {}

    /**
     * A personal token as listed: never its secret. {@code owner} is the Slack user id; {@code lastUsedAt} null when
     * never used; {@code revokedAt} null while it is valid.
     */
    record TokenInfo(String id, String owner, Instant createdAt, Instant expiresAt, Instant lastUsedAt, Instant revokedAt) {}

    /** A token just issued: {@code token} is its secret, shown this once (null when replayed). */
    record TokenIssued(TokenInfo info, String token, String message) implements CommandResult {
        @Override
        public String toString() {
            return "TokenIssued[info=" + info + ", token=" + (token == null ? "null" : "***") + ", message=" + message + "]";
        }
    }

    record TokenList(List<TokenInfo> tokens) implements CommandResult {}

    /**
     * A finding of a migration check as fronts summarize it (the full report is {@link CheckResult#reportJson}).
     * {@code severity}: error, warning, info; the numbers are null when they do not apply.
     */
    record CheckFinding(String rule, String severity, String file, Integer line, String table, String lock, Long holdMs,
                        Long blockedMs, Integer blockedQueries, String message, String fix) {}

    /**
     * A migration check (issue 14). {@code state}: RUNNING, OBSERVING, DONE or FAILED (the check itself could not run:
     * {@code error}); {@code verdict} pass, warn or fail once DONE. {@code worst}: the findings that matter most, worst
     * first (at most three); {@code reportJson}: the whole report as the CI webhook answers it (findings, statements,
     * markdown, junit). In observe mode the start's answer carries the clone's connection and, once, its {@code password}.
     * {@code cloneMs}: how long cloning took; {@code durationMs}: the migration as measured on the clone; {@code totalMs}:
     * request to report. {@code kept}: the clone was kept (for investigation), else it is destroyed.
     */
    record CheckResult(String check, String mode, String state, String template, String cloneId, String verdict,
                       Long cloneMs, Long durationMs, Long totalMs, int findings, List<CheckFinding> worst, String reportJson,
                       CloneInfo cloneInfo, String password, boolean kept, String error, String message) implements CommandResult {
        public CheckResult {
            worst = worst == null ? List.of() : List.copyOf(worst);
        }

        @Override
        public String toString() {
            return "CheckResult[check=" + check + ", mode=" + mode + ", state=" + state + ", template=" + template + ", clone=" + cloneId
                    + ", verdict=" + verdict + ", password=" + (password == null ? "null" : "***") + "]";
        }
    }
}
