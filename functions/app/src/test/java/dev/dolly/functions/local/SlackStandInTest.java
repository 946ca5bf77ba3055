package dev.dolly.functions.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.agent.api.AgentJson;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SlackStandInTest {
    private final SlackStandIn standIn = new SlackStandIn(AgentJson.mapper(), Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC));

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void answersAuthTestAsTheBotAndRecordsIt() {
        var answer = standIn.call("auth.test", "application/x-www-form-urlencoded", bytes("token=xoxb-secret"));
        assertThat(answer.path("ok").asBoolean()).isTrue();
        assertThat(answer.path("user_id").asText()).isEqualTo(SlackStandIn.BOT_USER);
        var recorded = standIn.since(0);
        assertThat(recorded).hasSize(1);
        assertThat(recorded.get(0).target()).isEqualTo("auth.test");
        assertThat(recorded.get(0).body().toString()).doesNotContain("xoxb-secret");
    }

    @Test
    void postMessageGetsATsThatChatUpdateKeeps() {
        var posted = standIn.call("chat.postMessage", "application/json", bytes("{\"channel\":\"C1\",\"text\":\"refresh started\"}"));
        String ts = posted.path("ts").asText();
        assertThat(ts).matches("\\d+\\.\\d{6}");
        var updated = standIn.call("chat.update", "application/x-www-form-urlencoded", bytes("channel=C1&ts=" + ts + "&text=50%25"));
        assertThat(updated.path("ts").asText()).isEqualTo(ts);
        assertThat(standIn.since(1)).singleElement().satisfies(r -> assertThat(r.body().path("text").asText()).isEqualTo("50%"));
    }

    @Test
    void formFieldsHoldingJsonAreParsed() {
        standIn.call("views.publish", "application/x-www-form-urlencoded",
                bytes("user_id=U1&view=%7B%22type%22%3A%22home%22%7D&hash=abc"));
        var body = standIn.since(0).get(0).body();
        assertThat(body.path("view").path("type").asText()).isEqualTo("home");
        assertThat(body.path("hash").asText()).isEqualTo("abc");
    }

    @Test
    void recordsResponseUrlPostsAndReturnsOnlyNewerCalls() {
        standIn.call("auth.test", null, null);
        standIn.response("cmd1", "application/json", bytes("{\"response_type\":\"ephemeral\",\"text\":\"ready\"}"));
        var newer = standIn.since(1);
        assertThat(newer).singleElement().satisfies(r -> {
            assertThat(r.target()).isEqualTo("response_url/cmd1");
            assertThat(r.body().path("response_type").asText()).isEqualTo("ephemeral");
        });
    }

    @Test
    void keepsOnlyTheNewestCalls() {
        for (int i = 0; i < SlackStandIn.CAPACITY + 5; i++) {
            standIn.call("chat.postMessage", "application/json", bytes("{\"channel\":\"C1\"}"));
        }
        var all = standIn.since(0);
        assertThat(all).hasSize(SlackStandIn.CAPACITY);
        assertThat(all.get(0).seq()).isEqualTo(6);
    }
}
