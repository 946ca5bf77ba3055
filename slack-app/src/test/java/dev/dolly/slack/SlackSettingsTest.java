package dev.dolly.slack;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlackSettingsTest {
    @Test
    void readsTheYamlSectionsAndSecretsFromTheEnvironment() {
        SlackSettings s = SlackSettings.from(
                Map.of("apiUrl", "http://localhost:6099/api", "command", "dolly-dev", "channel", "#dolly", "groupCacheTtl", "5m",
                        "botTokenEnv", "MY_BOT_TOKEN"),
                Map.of("shop", Map.of("database", "shop", "slackChannel", "#shop"), "crm", Map.of("database", "crm")),
                Map.of("SLACK_SIGNING_SECRET", "s3cr3t-signing", "MY_BOT_TOKEN", "xoxb-abc"));
        assertThat(s.signingSecret()).isEqualTo("s3cr3t-signing");
        assertThat(s.botToken()).isEqualTo("xoxb-abc");
        assertThat(s.apiUrl()).isEqualTo("http://localhost:6099/api/");
        assertThat(s.command()).isEqualTo("/dolly-dev");
        assertThat(s.groupCacheTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.channelFor("shop")).isEqualTo("#shop");
        assertThat(s.channelFor("crm")).isEqualTo("#dolly");
    }

    @Test
    void defaultsToSlackItselfAndEnvOverridesTheApiUrl() {
        SlackSettings s = SlackSettings.fromEnv(Map.of("SLACK_SIGNING_SECRET", "x", "SLACK_BOT_TOKEN", "xoxb-1"));
        assertThat(s.apiUrl()).isEqualTo("https://slack.com/api/");
        assertThat(s.command()).isEqualTo("/dolly");
        assertThat(s.groupCacheTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.channelFor("shop")).isNull();
        SlackSettings local = SlackSettings.from(Map.of("apiUrl", "https://slack.com/api/"), Map.of(),
                Map.of("SLACK_SIGNING_SECRET", "x", "SLACK_BOT_TOKEN", "xoxb-1", "DOLLY_SLACK_API_URL", "http://127.0.0.1:7099/api/"));
        assertThat(local.apiUrl()).isEqualTo("http://127.0.0.1:7099/api/");
    }

    @Test
    void neverShowsItsSecrets() {
        SlackSettings s = SlackSettings.of("s3cr3t-signing", "xoxb-very-secret", null);
        assertThat(s.toString()).doesNotContain("s3cr3t").doesNotContain("xoxb").contains("***");
    }

    @Test
    void saysWhichVariableIsMissing() {
        assertThatThrownBy(() -> SlackSettings.fromEnv(Map.of("SLACK_BOT_TOKEN", "xoxb-1")))
                .hasMessageContaining("SLACK_SIGNING_SECRET");
        assertThatThrownBy(() -> SlackSettings.fromEnv(Map.of("SLACK_SIGNING_SECRET", "x")))
                .hasMessageContaining("SLACK_BOT_TOKEN");
    }
}
