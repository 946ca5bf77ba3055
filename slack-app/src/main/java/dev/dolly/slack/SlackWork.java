package dev.dolly.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The deferred part of a Slack request, after the ack: plain strings and numbers so it can travel as JSON in an
 * asynchronous Lambda self-invocation ({@link #toJson()}, {@link #fromJson}).
 *
 * @param source          {@code command} (slash command), {@code button}, {@code modal} (Extend dialog), {@code check} (the
 *                        check dialog: {@code text} is the command line, then the file name and the pasted SQL, one line
 *                        each before it) or {@code home} (App Home opened)
 * @param teamId          the Slack workspace
 * @param userId          who asked (Slack user id); their groups are resolved when the work runs
 * @param userName        their Slack user name (for the default clone name), may be null
 * @param channelId       where they asked, may be null
 * @param text            the command line after the slash command ({@code reset shop-alice}), parsed again by the
 *                        same grammar when the work runs; null for {@code home}
 * @param responseUrl     Slack's {@code response_url} to answer through; null when there is no message (App Home)
 * @param fromHome        the request came from the App Home tab: the answer is shown there
 * @param replaceOriginal the answer replaces the message the button was on
 * @param viewHash        the App Home view's hash as Slack last reported it, for {@code views.publish}; may be null
 * @param idempotencyKey  {@code slack:<trigger_id>}: a retried delivery of the same work does not act twice
 * @param receivedAtMillis when the request was acked (epoch millis)
 */
public record SlackWork(String source, String teamId, String userId, String userName, String channelId, String text,
                        String responseUrl, boolean fromHome, boolean replaceOriginal, String viewHash,
                        String idempotencyKey, long receivedAtMillis) {

    public static final String COMMAND = "command";
    public static final String BUTTON = "button";
    public static final String MODAL = "modal";
    public static final String HOME = "home";
    public static final String CHECK = "check";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize Slack work", e);
        }
    }

    public static SlackWork fromJson(String json) {
        try {
            return JSON.readValue(json, SlackWork.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a Slack work item: " + e.getOriginalMessage(), e);
        }
    }

    /** For logs: source, user and command, never the response URL (it lets anyone post as the app). */
    public String describe() {
        // the check dialog's text carries the pasted SQL after its first line: logs get the command line only
        String line = text == null ? null : text.lines().findFirst().orElse("");
        return source + " by " + userId + (line == null ? "" : ": " + line);
    }

    @Override
    public String toString() {
        return "SlackWork[" + describe() + ", fromHome=" + fromHome + "]";
    }
}
