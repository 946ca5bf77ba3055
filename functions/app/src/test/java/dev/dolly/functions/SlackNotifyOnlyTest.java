package dev.dolly.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.control.api.Notifier;
import dev.dolly.functions.config.Secrets;
import dev.dolly.functions.web.HttpCall;
import dev.dolly.functions.web.SlackEntry;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A function given only the Slack bot token (reaper, refresh) notifies through Slack but accepts no Slack request. */
class SlackNotifyOnlyTest {
    @Test
    void botTokenAloneMeansNotificationsOnly() {
        com.github.tomakehurst.wiremock.WireMockServer slack = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().dynamicPort());
        slack.start();
        slack.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/api/auth.test").willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"ok\":true,\"team_id\":\"T0\",\"user_id\":\"U0BOT\",\"bot_id\":\"B0\"}")));
        try (Harness h = new Harness(Harness.yaml(""))) {
            Secrets secrets = Secrets.of(Map.of("SLACK_BOT_TOKEN", "xoxb-only", "DOLLY_SLACK_API_URL", slack.baseUrl() + "/api/"));
            DollyConfiguration.NotifierRef ref = new DollyConfiguration.NotifierRef();
            SlackEntry entry = new SlackConfiguration().slackEntry(h.config, secrets, h.service, ref, h.clock,
                    new DollySettings(null, null, null, null, null, null, null));
            assertThat(ref.get()).isNotSameAs(Notifier.NONE);
            long ts = Instant.now().getEpochSecond();
            String body = "command=%2Fdolly&text=list&user_id=UDEV";
            HttpCall call = new HttpCall("POST", "/slack/events", Map.of("Content-Type", "application/x-www-form-urlencoded",
                    "X-Slack-Request-Timestamp", "" + ts, "X-Slack-Signature", "v0=" + "0".repeat(64)), body.getBytes());
            assertThat(entry.handle(call).status()).isEqualTo(401);
        } finally {
            slack.stop();
        }
    }
}
