package dev.dolly.agent.api;

import java.time.Instant;
import java.util.List;

/**
 * One ready template snapshot. {@code id} is the build id (the refresh that produced it);
 * {@code clones} lists the clones that depend on it.
 */
public record SnapshotView(String template, String id, Instant createdAt, long sizeBytes, boolean current, List<String> clones) {}
