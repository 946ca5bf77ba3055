package dev.dolly.agent.api;

import java.time.Instant;

/**
 * A migration check on the agent. {@code state}: RUNNING (files mode: running the migrations), OBSERVING
 * (observe mode: waiting for {@code finish}), DONE, FAILED (the check itself could not run: {@code error} says
 * why; a migration that errors is a DONE check with a {@code fail} verdict). {@code report} is set once DONE.
 */
public record CheckView(String id, String cloneId, String mode, String state, Instant startedAt, Instant finishedAt,
                        String error, CheckReport report) {}
