package dev.dolly.slack;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which Slack message shows a refresh's progress, so later progress updates that one message in place.
 * In memory by default; the control plane may keep it durable (e.g. on Lambda, where memory does not outlive a
 * container) by passing its own implementation to {@link SlackFront}.
 */
public interface ProgressMessageStore {
    /** A posted message: the channel id and the message's {@code ts}. */
    record MessageRef(String channel, String ts) {}

    Optional<MessageRef> find(String template, String job);

    void save(String template, String job, MessageRef message);

    void remove(String template, String job);

    static ProgressMessageStore inMemory() {
        ConcurrentHashMap<String, MessageRef> messages = new ConcurrentHashMap<>();
        return new ProgressMessageStore() {
            public Optional<MessageRef> find(String template, String job) { return Optional.ofNullable(messages.get(template + "/" + job)); }

            public void save(String template, String job, MessageRef message) { messages.put(template + "/" + job, message); }

            public void remove(String template, String job) { messages.remove(template + "/" + job); }
        };
    }
}
