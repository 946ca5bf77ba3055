package dev.dolly.functions.web;

/**
 * The Slack front as the control plane sees it: one URL for slash commands, interactivity and
 * events, and the deferred work handed off after the ack.
 */
public interface SlackEntry {
    HttpAnswer handle(HttpCall call);

    /** Runs deferred work that was serialized as {@code workJson} (the async hand-off on Lambda). */
    void runWork(String workJson);

    /** The Slack user groups of {@code userId}, for grants of principals acting as that user (none when Slack is off). */
    default java.util.Set<String> groupsOf(String userId) {
        return java.util.Set.of();
    }
}
