package dev.dolly.agent.api;

import java.time.Instant;

/** A clone as the agent sees it. Never carries a password. {@code postgres}: the PostgreSQL major it runs (null: not reported). */
public record CloneView(
        String id,
        String template,
        String snapshot,
        String host,
        int port,
        String database,
        String user,
        String owner,
        Instant createdAt,
        Instant expiresAt,
        boolean protectedClone,
        Instant lastActivityAt,
        String state,
        long usedBytes,
        Integer postgres) {

    /** Without the major (agents before it was reported). */
    public CloneView(String id, String template, String snapshot, String host, int port, String database, String user, String owner,
                     Instant createdAt, Instant expiresAt, boolean protectedClone, Instant lastActivityAt, String state, long usedBytes) {
        this(id, template, snapshot, host, port, database, user, owner, createdAt, expiresAt, protectedClone, lastActivityAt, state,
                usedBytes, null);
    }
}
