package dev.dolly.control.api;

import java.time.Instant;

/** Outbound notifications from the control plane; the Slack app implements it. */
public interface Notifier {
    /** A refresh made progress; implementations update one message in place. */
    void refreshProgress(CommandResult.RefreshInfo refresh);

    /** A refresh succeeded or failed; implementations post to the template's channel. */
    void refreshFinished(CommandResult.RefreshInfo refresh);

    /** A clone will expire soon; implementations tell its owner directly. */
    void expiryWarning(String ownerPrincipalId, CloneInfo clone, Instant expiresAt);

    /**
     * A migration check finished: implementations post a card (verdict, worst findings, durations) to {@code channel},
     * or to the template's channel when it is null. Does nothing by default.
     */
    default void checkFinished(CommandResult.CheckResult check, String channel) {}

    /** Notifies nobody (for tests and headless runs). */
    Notifier NONE = new Notifier() {
        public void refreshProgress(CommandResult.RefreshInfo refresh) {}
        public void refreshFinished(CommandResult.RefreshInfo refresh) {}
        public void expiryWarning(String ownerPrincipalId, CloneInfo clone, Instant expiresAt) {}
    };
}
