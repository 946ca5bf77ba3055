package dev.dolly.control.api;

import java.time.Instant;

/**
 * A clone as fronts show it. Never carries a password; {@code connectionString} has none either.
 * {@code postgres}: the PostgreSQL major it runs (null: not reported).
 */
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
        Instant lastActivityAt,
        Integer postgres) {

    public CloneInfo(String id, CloneState state, String template, String snapshot, Instant snapshotCreatedAt, String owner, String host,
                     int port, String database, String user, String connectionString, Instant createdAt, Instant expiresAt,
                     boolean protectedClone, Instant lastActivityAt) {
        this(id, state, template, snapshot, snapshotCreatedAt, owner, host, port, database, user, connectionString, createdAt, expiresAt,
                protectedClone, lastActivityAt, null);
    }
}
