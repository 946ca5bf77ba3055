package dev.dolly.control.api;

import java.util.Set;

/**
 * Who asks. {@code id} is a Slack user id ({@code U123}), a CI key id, or {@code scheduler};
 * {@code groups} are the Slack user groups the user belongs to (empty for others). {@code token} is the id of the
 * personal token a Slack user asked through (the user API), null otherwise: the principal is still that user (same
 * grants, quotas, ownership); the audit trail names the token.
 */
public record Principal(Kind kind, String id, Set<String> groups, String token) {
    public enum Kind { SLACK_USER, CI_KEY, SCHEDULER }

    public Principal {
        groups = groups == null ? Set.of() : Set.copyOf(groups);
    }

    public Principal(Kind kind, String id, Set<String> groups) {
        this(kind, id, groups, null);
    }

    /** The Slack user {@code userId} asking through the personal token {@code tokenId}. */
    public static Principal viaToken(String userId, Set<String> groups, String tokenId) {
        return new Principal(Kind.SLACK_USER, userId, groups, tokenId);
    }

    public static Principal slackUser(String userId, Set<String> groups) { return new Principal(Kind.SLACK_USER, userId, groups); }

    public static Principal ciKey(String keyId) { return new Principal(Kind.CI_KEY, keyId, Set.of()); }

    public static Principal scheduler() { return new Principal(Kind.SCHEDULER, "scheduler", Set.of()); }
}
