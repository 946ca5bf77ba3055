package dev.dolly.control.api;

import java.util.Set;

/**
 * Who asks. {@code id} is a Slack user id ({@code U123}), a CI key id, or {@code scheduler};
 * {@code groups} are the Slack user groups the user belongs to (empty for others).
 */
public record Principal(Kind kind, String id, Set<String> groups) {
    public enum Kind { SLACK_USER, CI_KEY, SCHEDULER }

    public Principal {
        groups = groups == null ? Set.of() : Set.copyOf(groups);
    }

    public static Principal slackUser(String userId, Set<String> groups) { return new Principal(Kind.SLACK_USER, userId, groups); }

    public static Principal ciKey(String keyId) { return new Principal(Kind.CI_KEY, keyId, Set.of()); }

    public static Principal scheduler() { return new Principal(Kind.SCHEDULER, "scheduler", Set.of()); }
}
