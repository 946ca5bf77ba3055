package dev.dolly.agent.api;

/** Body of every non-2xx answer: a stable code and a message that says what to do instead. */
public record ErrorResponse(ErrorCode code, String message) {}
