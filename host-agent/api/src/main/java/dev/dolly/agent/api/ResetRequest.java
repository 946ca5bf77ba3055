package dev.dolly.agent.api;

/** Reset a clone to its creation state ({@code savepoint} null) or to a named savepoint. */
public record ResetRequest(String savepoint) {}
