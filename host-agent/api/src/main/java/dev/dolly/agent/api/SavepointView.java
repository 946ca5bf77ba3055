package dev.dolly.agent.api;

import java.time.Instant;

public record SavepointView(String cloneId, String name, Instant createdAt) {}
