package dev.dolly.slack;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SlackWorkTest {
    @Test
    void travelsAsJson() {
        SlackWork w = new SlackWork(SlackWork.BUTTON, "T0DOLLY", "U0ALICE", "alice", "C0DEV", "reset shop-alice",
                "https://hooks.slack.com/actions/T0/1/abc", false, true, null, "slack:1.2.3", 1768471200000L);
        String json = w.toJson();
        assertThat(SlackWork.fromJson(json)).isEqualTo(w);
        assertThat(SlackWork.fromJson(json.replace("{", "{\"addedLater\":1,"))).isEqualTo(w);
    }

    @Test
    void logsWithoutTheResponseUrl() {
        SlackWork w = new SlackWork(SlackWork.COMMAND, "T", "U1", "u", "C", "list", "https://hooks.slack.com/commands/T/1/secret",
                false, false, null, null, 0);
        assertThat(w.toString()).doesNotContain("hooks.slack.com").contains("list");
        assertThat(w.describe()).isEqualTo("command by U1: list");
    }
}
