package dev.dolly.functions.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.functions.config.ConfigLoader;
import dev.dolly.functions.config.DollyConfig;
import dev.dolly.functions.config.Secrets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code events:} in dolly.yaml: endpoints with their secrets and event types, retry settings, and what is refused. */
class WebhookSettingsTest {
    private static final Secrets SECRETS = Secrets.of(Map.of("HOOK_SECRET", "from-the-environment"));

    private static DollyConfig.EventsConfig events(String yaml) {
        return ConfigLoader.fromYaml(yaml).events();
    }

    @Test
    void readsEndpointsAndRetries() {
        DollyConfig.EventsConfig c = events("""
                events:
                  webhooks:
                    - { name: ops, url: "https://hooks.example.com/dolly?t=abc", secretEnv: HOOK_SECRET, events: [pool.alert, refresh.failed] }
                    - { url: "http://127.0.0.1:9000/all", secret: inline-secret }
                  firstRetry: 1s
                  attempts: 4
                """);
        List<WebhookEndpoint> endpoints = WebhookSettings.endpoints(c, SECRETS);
        assertThat(endpoints).hasSize(2);
        assertThat(endpoints.get(0).secret()).isEqualTo("from-the-environment");
        assertThat(endpoints.get(0).events()).containsExactlyInAnyOrder(EventType.POOL_ALERT, EventType.REFRESH_FAILED);
        assertThat(endpoints.get(0).toString()).as("the URL may hold a token").doesNotContain("t=abc").doesNotContain("from-the-environment");
        assertThat(endpoints.get(1).name()).isEqualTo("webhook-2");
        assertThat(endpoints.get(1).events()).isEqualTo(EnumSet.allOf(EventType.class));
        WebhookDeliveries.Retry r = WebhookSettings.retry(c);
        assertThat(r.first()).isEqualTo(Duration.ofSeconds(1));
        assertThat(r.attempts()).isEqualTo(4);
        assertThat(r.max()).isEqualTo(Duration.ofMinutes(5));
        assertThat(r.after(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(r.after(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(r.after(20)).as("capped").isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void noEventsSectionMeansNoEndpoints() {
        assertThat(WebhookSettings.endpoints(events("templates: {}\n"), SECRETS)).isEmpty();
    }

    @Test
    void refusesAnUnknownEventAMissingSecretAndABadUrl() {
        assertThatThrownBy(() -> WebhookSettings.endpoints(events(
                "events:\n  webhooks:\n    - { name: a, url: \"https://x.example\", secret: s, events: [clone.made] }\n"), SECRETS))
                .hasMessageContaining("events.webhooks[0] (a): unknown event 'clone.made'").hasMessageContaining("clone.created");
        assertThatThrownBy(() -> WebhookSettings.endpoints(events(
                "events:\n  webhooks:\n    - { name: b, url: \"https://x.example\", secretEnv: NOT_SET }\n"), SECRETS))
                .hasMessageContaining("no signing secret").hasMessageContaining("NOT_SET");
        assertThatThrownBy(() -> WebhookSettings.endpoints(events(
                "events:\n  webhooks:\n    - { name: c, url: \"ftp://x.example\", secret: s }\n"), SECRETS))
                .hasMessageContaining("url must be an http(s) URL");
    }

    @Test
    void anUnknownKeyUnderEventsIsRefusedByTheSchema() {
        assertThatThrownBy(() -> events("events:\n  webhoks: []\n")).hasMessageContaining("webhoks");
    }
}
