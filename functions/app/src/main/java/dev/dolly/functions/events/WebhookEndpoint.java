package dev.dolly.functions.events;

import java.util.Set;

/** A receiver of events: its name (in records and logs), URL, signing secret and the event types it wants. */
public record WebhookEndpoint(String name, String url, String secret, Set<EventType> events) {
    public WebhookEndpoint {
        events = Set.copyOf(events);
    }

    public boolean wants(EventType type) {
        return events.contains(type);
    }

    @Override
    public String toString() {
        // the URL may carry a token of the receiver's: only the name is shown
        return "WebhookEndpoint[name=" + name + ", events=" + events + "]";
    }
}
