package dev.dolly.functions.domain;

import java.time.Instant;

/** Where a template's local refresh schedule stands: its expression, next run, and the last scheduled run's outcome. */
public record ScheduleInfo(String expression, Instant nextRunAt, Instant lastRunAt, String lastOutcome) {
}
