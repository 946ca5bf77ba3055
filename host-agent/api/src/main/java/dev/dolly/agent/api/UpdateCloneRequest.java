package dev.dolly.agent.api;

import java.time.Instant;

/** Change a clone's metadata. Null fields are left as they are. */
public record UpdateCloneRequest(Boolean protectedClone, Instant expiresAt, String owner) {}
