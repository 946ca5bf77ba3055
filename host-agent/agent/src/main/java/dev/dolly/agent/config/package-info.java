/**
 * The agent's part of the Dolly YAML ({@code agent:} and {@code templates:}), read through the shared
 * {@code dev.dolly.config} reader (which also parses sizes and durations) with the agent's defaults.
 */
package dev.dolly.agent.config;
