package dev.dolly.functions.events;

import java.util.Map;

/**
 * Where the services report what happened. {@link #publish} returns at once: delivery happens elsewhere, so a slow or
 * failing receiver never slows the command that reports it. {@code data} holds ids and numbers, never a secret.
 */
public interface Events {
    void publish(EventType type, Map<String, Object> data);

    /** Tells nobody (no webhook configured, and tests). */
    Events NONE = (type, data) -> { };
}
