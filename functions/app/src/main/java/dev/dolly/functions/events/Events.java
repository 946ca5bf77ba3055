package dev.dolly.functions.events;

import java.util.Map;

/**
 * Where the services report what happened. {@link #publish} returns at once: delivery happens elsewhere, so a slow or
 * failing receiver never slows the command that reports it. {@code data} holds ids and numbers, never a secret.
 */
public interface Events {
    void publish(EventType type, Map<String, Object> data);

    /**
     * Sends again what was recorded as pending but is no longer being tried (the process stopped, a Lambda was frozen);
     * the reaper calls it. Returns how many deliveries were queued again. At least once: receivers drop repeats by
     * delivery id.
     */
    default int redrive() {
        return 0;
    }

    /** Tells nobody (no webhook configured, and tests). */
    Events NONE = (type, data) -> { };
}
