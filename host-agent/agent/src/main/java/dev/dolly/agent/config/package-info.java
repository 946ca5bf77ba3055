/**
 * The agent's part of the Dolly YAML ({@code agent:} and {@code templates:}), sizes and durations.
 */
package dev.dolly.agent.config;
