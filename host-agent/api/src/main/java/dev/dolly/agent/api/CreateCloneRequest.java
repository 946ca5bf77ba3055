package dev.dolly.agent.api;

import java.time.Instant;

/**
 * Create a clone. {@code cloneId} is chosen by the caller and makes the call idempotent: the
 * same request twice returns the same clone (201 the first time, 200 after) — never a second
 * clone. Since nothing stores a password, the repeated answer carries a freshly rotated one (the
 * earlier answer's password stops working); a create with the same id but another template,
 * snapshot or owner is a CONFLICT. {@code snapshot} is optional (null: the template's current
 * snapshot); {@code expiresAt} is optional (null: never). The owner's database user is the owner
 * folded to a SQL identifier ({@code slack:U024BE7LH} → {@code slack_u024be7lh}), a superuser of
 * the clone.
 */
public record CreateCloneRequest(String cloneId, String template, String snapshot, String owner, Instant expiresAt, boolean protectedClone) {}
