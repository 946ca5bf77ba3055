package dev.dolly.agent.api;

import java.time.Instant;
import java.util.Map;

/**
 * A long-running refresh. {@code state}: RUNNING, SUCCEEDED, FAILED, CANCELLED.
 * {@code phase}: guard, build, pre-data, data, post-data, finish. {@code result} holds the
 * outcome (sizes, row counts, rules applied) once done; {@code error} says which phase and
 * table failed.
 */
public record JobView(
        String id,
        String template,
        String state,
        String phase,
        int tablesDone,
        int tablesTotal,
        long rowsCopied,
        long bytesCopied,
        Long etaSeconds,
        Instant startedAt,
        Instant finishedAt,
        String snapshot,
        String error,
        Map<String, Object> result) {}
