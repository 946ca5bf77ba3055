package dev.dolly.functions.web;

/**
 * The Slack front as the control plane sees it: one URL for slash commands, interactivity and
 * events, and the deferred work handed off after the ack.
 */
public interface SlackEntry {
    HttpAnswer handle(HttpCall call);

    /** Runs deferred work that was serialized as {@code workJson} (the async hand-off on Lambda). */
    void runWork(String workJson);
}
