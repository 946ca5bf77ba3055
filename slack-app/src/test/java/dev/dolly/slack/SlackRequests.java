package dev.dolly.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dolly.agent.api.signing.SigningScheme;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Builds requests the way Slack sends them: slash commands form-encoded, interactivity as a form-encoded
 * {@code payload} JSON, events as JSON; each signed with the v0 scheme ({@code v0=hex(HMAC-SHA256(secret,
 * "v0:" + timestamp + ":" + body))}) computed here independently of Bolt.
 */
final class SlackRequests {
    static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    static final String TEAM = "T0DOLLY";
    static final ObjectMapper JSON = new ObjectMapper();

    record User(String id, String name) {}

    static final User ALICE = new User("U0ALICE", "alice");
    static final User BOB = new User("U0BOB", "bob.smith");
    static final User ADMIN = new User("U0ADMIN", "ada");

    private final Clock clock;
    private final String responseBase;
    private final AtomicInteger triggers = new AtomicInteger();

    /** @param responseBase where response URLs point, e.g. the WireMock base URL */
    SlackRequests(Clock clock, String responseBase) {
        this.clock = clock;
        this.responseBase = responseBase;
    }

    String responseUrl(String id) { return responseBase + "/response/" + id; }

    String nextTrigger() { return "13345224609." + triggers.incrementAndGet() + ".b0a8f4c0e8a2f9d1"; }

    SlackHttpRequest command(String text, User user, String responseId) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", "legacy-verification-token");
        form.put("team_id", TEAM);
        form.put("team_domain", "dolly-test");
        form.put("channel_id", "C0DEV");
        form.put("channel_name", "dev");
        form.put("user_id", user.id());
        form.put("user_name", user.name());
        form.put("command", "/dolly");
        form.put("text", text);
        form.put("api_app_id", "A0DOLLY");
        form.put("is_enterprise_install", "false");
        form.put("response_url", responseUrl(responseId));
        form.put("trigger_id", nextTrigger());
        return signedNow(formEncode(form), "application/x-www-form-urlencoded");
    }

    /** A button click on a clone card in a message (ephemeral or not) or, with {@code home}, in the App Home tab. */
    SlackHttpRequest blockAction(String actionId, String clone, User user, String responseId, boolean home) {
        ObjectNode p = JSON.createObjectNode();
        p.put("type", "block_actions");
        p.set("user", user(user));
        p.put("api_app_id", "A0DOLLY");
        p.put("token", "legacy-verification-token");
        ObjectNode container = p.putObject("container");
        if (home) {
            container.put("type", "view").put("view_id", "V0HOME");
            ObjectNode view = p.putObject("view");
            view.put("id", "V0HOME").put("team_id", TEAM).put("type", "home").put("hash", "1700000000.home-hash")
                    .put("private_metadata", "").put("callback_id", "");
            view.putArray("blocks");
        } else {
            container.put("type", "message").put("message_ts", "1700000000.000200").put("channel_id", "C0DEV").put("is_ephemeral", true);
            p.putObject("channel").put("id", "C0DEV").put("name", "dev");
            p.put("response_url", responseUrl(responseId));
        }
        p.put("trigger_id", nextTrigger());
        p.putObject("team").put("id", TEAM).put("domain", "dolly-test");
        p.put("is_enterprise_install", false);
        ArrayNode actions = p.putArray("actions");
        ObjectNode a = actions.addObject();
        a.put("action_id", actionId).put("block_id", "clone:" + clone).put("value", clone).put("type", "button")
                .put("action_ts", "1700000001.000300");
        a.putObject("text").put("type", "plain_text").put("text", actionId).put("emoji", true);
        return signedNow("payload=" + enc(p.toString()), "application/x-www-form-urlencoded");
    }

    /** The Extend dialog submitted with {@code choice} ({@code 8h}); {@code privateMetadata} as the dialog carried it. */
    SlackHttpRequest extendSubmission(String privateMetadata, String choice, User user) {
        return viewSubmission("dolly_extend_modal", privateMetadata, user, values -> {
            ObjectNode select = values.putObject("extend_by").putObject("extend_by_select");
            select.put("type", "static_select");
            if (choice != null) {
                ObjectNode opt = select.putObject("selected_option");
                opt.putObject("text").put("type", "plain_text").put("text", choice);
                opt.put("value", choice);
            }
        });
    }

    /** The check dialog submitted with a file name and SQL; {@code privateMetadata} as the dialog carried it. */
    SlackHttpRequest checkSubmission(String privateMetadata, String name, String sql, User user) {
        return viewSubmission("dolly_check_modal", privateMetadata, user, values -> {
            values.putObject("check_name").putObject("check_name_input").put("type", "plain_text_input").put("value", name);
            values.putObject("check_sql").putObject("check_sql_input").put("type", "plain_text_input").put("value", sql);
        });
    }

    /** A dialog's submission: {@code fill} puts the inputs' values into {@code view.state.values}. */
    private SlackHttpRequest viewSubmission(String callbackId, String privateMetadata, User user,
                                            java.util.function.Consumer<ObjectNode> fill) {
        ObjectNode p = JSON.createObjectNode();
        p.put("type", "view_submission");
        p.putObject("team").put("id", TEAM).put("domain", "dolly-test");
        p.set("user", user(user));
        p.put("api_app_id", "A0DOLLY");
        p.put("token", "legacy-verification-token");
        p.put("trigger_id", nextTrigger());
        ObjectNode view = p.putObject("view");
        view.put("id", "V0MODAL").put("team_id", TEAM).put("type", "modal").put("callback_id", callbackId)
                .put("private_metadata", privateMetadata).put("hash", "1700000002.modal");
        view.putArray("blocks");
        fill.accept(view.putObject("state").putObject("values"));
        p.putArray("response_urls");
        p.put("is_enterprise_install", false);
        return signedNow("payload=" + enc(p.toString()), "application/x-www-form-urlencoded");
    }

    SlackHttpRequest appHomeOpened(User user, String viewHash) {
        ObjectNode e = JSON.createObjectNode();
        e.put("type", "app_home_opened").put("user", user.id()).put("channel", "D0" + user.id().substring(2)).put("tab", "home")
                .put("event_ts", "1700000000.000400");
        if (viewHash != null) e.putObject("view").put("id", "V0HOME").put("team_id", TEAM).put("type", "home").put("hash", viewHash);
        return event(e);
    }

    SlackHttpRequest event(ObjectNode event) {
        ObjectNode p = JSON.createObjectNode();
        p.put("token", "legacy-verification-token").put("team_id", TEAM).put("api_app_id", "A0DOLLY");
        p.set("event", event);
        p.put("type", "event_callback").put("event_id", "Ev0" + triggers.incrementAndGet()).put("event_time", 1700000000);
        p.putArray("authorizations").addObject().put("team_id", TEAM).put("user_id", "U0BOT").put("is_bot", true);
        return signedNow(p.toString(), "application/json");
    }

    SlackHttpRequest urlVerification(String challenge) {
        ObjectNode p = JSON.createObjectNode();
        p.put("token", "legacy-verification-token").put("challenge", challenge).put("type", "url_verification");
        return signedNow(p.toString(), "application/json");
    }

    SlackHttpRequest signedNow(String body, String contentType) {
        return signed(body, contentType, clock.millis() / 1000, SECRET);
    }

    static SlackHttpRequest signed(String body, String contentType, long timestamp, String secret) {
        return new SlackHttpRequest(SlackFront.EVENTS_PATH, Map.of(
                "Content-Type", List.of(contentType),
                SigningScheme.SLACK.timestampHeader(), List.of(Long.toString(timestamp)),
                SigningScheme.SLACK.signatureHeader(), List.of(signature(secret, timestamp, body))), body);
    }

    static String signature(String secret, long timestamp, String body) {
        return SigningScheme.SLACK.sign(secret, timestamp, body);
    }

    private static ObjectNode user(User u) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", u.id()).put("username", u.name()).put("name", u.name()).put("team_id", TEAM);
        return n;
    }

    static String formEncode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
    }

    static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }
}
