package dev.dolly.functions.events;

import java.util.Arrays;
import java.util.Locale;

/** What an event reports; {@link #wire} is its name in the payload, the {@code X-Dolly-Event} header and the config. */
public enum EventType {
    CLONE_CREATED("clone.created"),
    CLONE_RESET("clone.reset"),
    CLONE_DESTROYED("clone.destroyed"),
    CLONE_EXPIRED("clone.expired"),
    REFRESH_STARTED("refresh.started"),
    REFRESH_SUCCEEDED("refresh.succeeded"),
    REFRESH_FAILED("refresh.failed"),
    QUOTA_EXCEEDED("quota.exceeded"),
    POOL_ALERT("pool.alert");

    private final String wire;

    EventType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The type named {@code name} (as in the config: {@code clone.created}); null when there is none. */
    public static EventType of(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.wire.equals(n)).findFirst().orElse(null);
    }
}
