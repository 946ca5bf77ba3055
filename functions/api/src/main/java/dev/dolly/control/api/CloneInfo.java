package dev.dolly.control.api;

import java.time.Instant;

/** A clone as fronts show it. Never carries a password; {@code connectionString} has none either. */
public record CloneInfo(
        String id,
        CloneState state,
        String template,
        String snapshot,
        Instant snapshotCreatedAt,
        String owner,
        String host,
        int port,
        String database,
        String user,
        String connectionString,
        Instant createdAt,
        Instant expiresAt,
        boolean protectedClone,
        Instant lastActivityAt) {}
