package dev.dolly.functions.domain;

/** How many clones a principal holds; {@code version} is the stored counter's (null when never written). */
public record Quota(String principal, int clones, Long version) {}
