package dev.dolly.functions.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory stand-in for Slack's Web API: answers each method the bot calls the way Slack
 * would (shape only), and keeps the last {@link #CAPACITY} calls for scripts and tests to read.
 * Recordings live only in memory, because ephemeral replies carry clone passwords.
 */
public final class SlackStandIn {
    public static final int CAPACITY = 2000;
    public static final String BOT_USER = "UDOLLYBOT";
    public static final String TEAM = "TLOCAL";

    /** One call the bot made: a Web API method ({@code chat.postMessage}) or {@code response_url/<id>}. */
    public record Recorded(long seq, long atMillis, String target, JsonNode body) {}

    private final ObjectMapper json;
    private final Clock clock;
    private final Deque<Recorded> recorded = new ArrayDeque<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong ts = new AtomicLong(1_700_000_000_000000L);

    public SlackStandIn(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /** Records a Web API call and answers it as Slack would. */
    public ObjectNode call(String method, String contentType, byte[] body) {
        JsonNode parsed = parse(contentType, body);
        record(method, parsed);
        ObjectNode answer = json.createObjectNode().put("ok", true);
        switch (method) {
            case "auth.test" -> answer.put("url", "http://localhost/").put("team", "Dolly local").put("user", "dolly")
                    .put("team_id", TEAM).put("user_id", BOT_USER).put("bot_id", "BDOLLYBOT");
            case "chat.postMessage", "chat.update", "chat.postEphemeral" -> {
                String channel = parsed.path("channel").asText("C0LOCAL");
                String messageTs = method.equals("chat.update") ? parsed.path("ts").asText(nextTs()) : nextTs();
                answer.put("channel", channel).put("ts", messageTs);
                if (method.equals("chat.postEphemeral")) {
                    answer.remove("ts");
                    answer.put("message_ts", messageTs);
                }
            }
            case "views.publish", "views.open", "views.update" -> answer.putObject("view")
                    .put("id", "V" + seq.get()).put("hash", "h" + nextTs());
            case "usergroups.list" -> answer.putArray("usergroups");
            case "usergroups.users.list" -> answer.putArray("users");
            case "conversations.open" -> answer.putObject("channel").put("id", "D" + parsed.path("users").asText("ULOCAL"));
            default -> { }
        }
        return answer;
    }

    /** Records a message the bot posted to a {@code response_url} this stand-in handed out. */
    public void response(String id, String contentType, byte[] body) {
        record("response_url/" + id, parse(contentType, body));
    }

    /** Calls recorded after {@code afterSeq}, oldest first. */
    public synchronized List<Recorded> since(long afterSeq) {
        List<Recorded> out = new ArrayList<>();
        for (Recorded r : recorded) {
            if (r.seq() > afterSeq) {
                out.add(r);
            }
        }
        return out;
    }

    private synchronized void record(String target, JsonNode body) {
        recorded.addLast(new Recorded(seq.incrementAndGet(), clock.millis(), target, body));
        while (recorded.size() > CAPACITY) {
            recorded.removeFirst();
        }
    }

    private String nextTs() {
        long t = ts.incrementAndGet();
        return (t / 1_000_000) + "." + String.format("%06d", t % 1_000_000);
    }

    /** JSON bodies as they are; form bodies as an object of their fields (JSON-valued fields parsed). */
    private JsonNode parse(String contentType, byte[] body) {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        try {
            if (contentType != null && contentType.contains("json")) {
                return text.isBlank() ? json.createObjectNode() : json.readTree(text);
            }
            ObjectNode form = json.createObjectNode();
            for (String pair : text.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (key.equals("token")) {
                    continue; // never keep the bot token
                }
                if (value.startsWith("[") || value.startsWith("{")) {
                    try {
                        form.set(key, json.readTree(value));
                        continue;
                    } catch (Exception notJson) {
                        // keep as text
                    }
                }
                form.put(key, value);
            }
            return form;
        } catch (Exception e) {
            return json.createObjectNode().put("unparsed", text);
        }
    }
}
