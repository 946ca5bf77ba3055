package dev.dolly.functions.domain;

/**
 * The first answer to a request, kept so a retry or a replay gets it back instead of acting again: while
 * the first attempt runs, {@code inProgress}; then its HTTP {@code status} and {@code answer} (sealed with
 * {@code sealContext} as associated data when it holds a password). {@code requestHash} tells a retry
 * from a different request under the same key.
 */
public record FirstAnswer(boolean inProgress, String requestHash, Integer status, String answer, boolean sealed, String sealContext) {}
