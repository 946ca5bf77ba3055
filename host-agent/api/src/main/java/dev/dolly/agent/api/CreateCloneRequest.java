package dev.dolly.agent.api;

import java.time.Instant;

/**
 * Create a clone. {@code cloneId} is chosen by the caller and makes the call idempotent: the
 * same request twice returns the same clone. {@code snapshot} is optional (null: the
 * template's current snapshot); {@code expiresAt} is optional (null: never).
 */
public record CreateCloneRequest(String cloneId, String template, String snapshot, String owner, Instant expiresAt, boolean protectedClone) {}
