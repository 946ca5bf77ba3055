package dev.dolly.functions.events;

import java.time.Instant;
import java.util.Map;

/**
 * One event as receivers get it: {@code {"id", "type", "time", "requestId", "data"}}; {@code requestId} is the request
 * that caused it (null for none), the same id as in the control plane's and the agent's logs.
 */
public record Event(String id, String type, Instant time, String requestId, Map<String, Object> data) {
    public Event {
        data = data == null ? Map.of() : Map.copyOf(data);
    }
}
