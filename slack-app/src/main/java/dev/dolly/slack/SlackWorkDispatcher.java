package dev.dolly.slack;

/**
 * Hands deferred work off the request thread so Slack gets its ack within 3 seconds. Whatever receives the work
 * calls {@link SlackFront#runWork}. Locally {@link ExecutorSlackWorkDispatcher}; on AWS Lambda the control plane
 * invokes its own function asynchronously with {@link SlackWork#toJson()} (Bolt for Java has no lazy listeners).
 * {@code dispatch} must return quickly and throw when the work cannot be accepted.
 */
@FunctionalInterface
public interface SlackWorkDispatcher {
    void dispatch(SlackWork work);
}
