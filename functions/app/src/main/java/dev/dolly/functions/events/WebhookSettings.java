package dev.dolly.functions.events;

import dev.dolly.functions.config.DollyConfig;
import dev.dolly.functions.config.Secrets;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The endpoints and retry settings of {@code events:} in dolly.yaml, checked: a mistake stops the start with what to fix. */
public final class WebhookSettings {
    private WebhookSettings() {}

    public static List<WebhookEndpoint> endpoints(DollyConfig.EventsConfig c, Secrets secrets) {
        List<WebhookEndpoint> out = new ArrayList<>();
        int i = 0;
        for (DollyConfig.WebhookConfig w : c.webhooks()) {
            String name = w.name() == null || w.name().isBlank() ? "webhook-" + (i + 1) : w.name();
            String where = "events.webhooks[" + i++ + "] (" + name + ")";
            URI url;
            try {
                url = w.url() == null ? null : URI.create(w.url());
            } catch (IllegalArgumentException e) {
                url = null;
            }
            if (url == null || url.getHost() == null || !("https".equals(url.getScheme()) || "http".equals(url.getScheme()))) {
                throw new IllegalStateException(where + ": url must be an http(s) URL");
            }
            String secret = secrets.resolve(w.secretEnv(), w.secret());
            if (secret == null || secret.isEmpty()) {
                throw new IllegalStateException(where + ": no signing secret; set the environment variable named by secretEnv"
                        + (w.secretEnv() == null ? " (secretEnv is missing)" : " (" + w.secretEnv() + ")"));
            }
            Set<EventType> types = EnumSet.noneOf(EventType.class);
            for (String t : w.events()) {
                EventType type = EventType.of(t);
                if (type == null) {
                    throw new IllegalStateException(where + ": unknown event '" + t + "'; known: "
                            + Arrays.stream(EventType.values()).map(EventType::wire).collect(Collectors.joining(", ")));
                }
                types.add(type);
            }
            out.add(new WebhookEndpoint(name, w.url(), secret, types.isEmpty() ? EnumSet.allOf(EventType.class) : types));
        }
        return out;
    }

    public static WebhookDeliveries.Retry retry(DollyConfig.EventsConfig c) {
        WebhookDeliveries.Retry d = WebhookDeliveries.Retry.defaults();
        return new WebhookDeliveries.Retry(c.firstRetry() != null ? c.firstRetry() : d.first(), c.maxRetry() != null ? c.maxRetry() : d.max(),
                c.attempts() != null ? Math.max(1, c.attempts()) : d.attempts(), c.timeout() != null ? c.timeout() : d.timeout());
    }
}
