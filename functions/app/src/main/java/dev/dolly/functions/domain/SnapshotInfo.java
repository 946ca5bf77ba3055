package dev.dolly.functions.domain;

import java.time.Instant;
import java.util.List;

/** A ready snapshot of a template as hosts last reported it: which hosts hold it, its size, how many clones depend on it. */
public record SnapshotInfo(String template, String id, Instant createdAt, long sizeBytes, boolean current, int clones,
                           List<String> hosts, Instant seenAt) {}
