package dev.dolly.agent.api;

/** Take a savepoint of a clone under a name. */
public record SavepointRequest(String name) {}
