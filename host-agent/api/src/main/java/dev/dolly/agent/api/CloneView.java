package dev.dolly.agent.api;

import java.time.Instant;

/** A clone as the agent sees it. Never carries a password. */
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
        long usedBytes) {}
