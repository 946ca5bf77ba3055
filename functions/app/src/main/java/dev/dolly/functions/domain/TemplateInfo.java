package dev.dolly.functions.domain;

import java.time.Instant;

/**
 * A template's runtime state: its current snapshot and the refresh running for it (one at a time), with
 * the latest progress ({@code refreshState} RUNNING while one runs); {@code postgres}: the major of its
 * current snapshot, {@code upgrade}: the summary of the upgrade rehearsal that made it (both may be null).
 */
public record TemplateInfo(String name, String currentSnapshot, Instant currentSnapshotAt, String refreshJob, String refreshHost,
                           String refreshState, String refreshPhase, int tablesDone, int tablesTotal, long rowsCopied,
                           Long etaSeconds, String refreshError, String refreshSnapshot, Instant refreshStartedAt,
                           Instant refreshUpdatedAt, String requestedBy, Integer postgres, String upgrade) {

    public boolean refreshRunning() { return "RUNNING".equals(refreshState); }
}
