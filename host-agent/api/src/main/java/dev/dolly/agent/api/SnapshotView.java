package dev.dolly.agent.api;

import java.time.Instant;
import java.util.List;

/**
 * One ready template snapshot. {@code id} is the build id (the refresh that produced it);
 * {@code clones} lists the clones that depend on it; {@code postgres} is its PostgreSQL major (null: not reported).
 */
public record SnapshotView(String template, String id, Instant createdAt, long sizeBytes, boolean current, List<String> clones,
                           Integer postgres) {

    /** Without the major (agents before it was reported). */
    public SnapshotView(String template, String id, Instant createdAt, long sizeBytes, boolean current, List<String> clones) {
        this(template, id, createdAt, sizeBytes, current, clones, null);
    }
}
