package dev.dolly.agent.api;

/** Start a refresh (a new template build). {@code job} is an optional caller-chosen id. */
public record RefreshRequest(String job) {}
