package dev.dolly.slack;

import dev.dolly.config.Durations;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the Slack front needs to know. Secrets come from the environment and never appear in {@link #toString()}.
 *
 * @param signingSecret    Slack's signing secret (env {@code SLACK_SIGNING_SECRET}); verifies every request
 * @param botToken         the bot token {@code xoxb-…} (env {@code SLACK_BOT_TOKEN})
 * @param apiUrl           Slack Web API base URL, {@code https://slack.com/api/} unless a stand-in (WireMock, the
 *                         local stack) answers instead; always ends with {@code /}
 * @param command          the slash command, {@code /dolly}
 * @param defaultChannel   where refresh notices go for templates without their own channel; null for nowhere
 * @param templateChannels template name → channel ({@code templates.<name>.slackChannel})
 * @param groupCacheTtl    how long a user's Slack user groups are cached before asking Slack again
 */
public record SlackSettings(String signingSecret, String botToken, String apiUrl, String command, String defaultChannel,
                            Map<String, String> templateChannels, Duration groupCacheTtl) {

    public static final String DEFAULT_API_URL = "https://slack.com/api/";
    public static final String DEFAULT_COMMAND = "/dolly";
    public static final Duration DEFAULT_GROUP_CACHE_TTL = Duration.ofMinutes(10);
    public static final String SIGNING_SECRET_ENV = "SLACK_SIGNING_SECRET";
    public static final String BOT_TOKEN_ENV = "SLACK_BOT_TOKEN";
    /** Overrides {@code slack.apiUrl}, e.g. to point the local stack at its Slack stand-in. */
    public static final String API_URL_ENV = "DOLLY_SLACK_API_URL";

    public SlackSettings {
        if (signingSecret == null || signingSecret.isBlank()) {
            throw new IllegalArgumentException("the Slack signing secret is missing: set " + SIGNING_SECRET_ENV);
        }
        if (botToken == null || botToken.isBlank()) {
            throw new IllegalArgumentException("the Slack bot token is missing: set " + BOT_TOKEN_ENV);
        }
        apiUrl = apiUrl == null || apiUrl.isBlank() ? DEFAULT_API_URL : (apiUrl.endsWith("/") ? apiUrl : apiUrl + "/");
        command = command == null || command.isBlank() ? DEFAULT_COMMAND : (command.startsWith("/") ? command : "/" + command);
        defaultChannel = defaultChannel == null || defaultChannel.isBlank() ? null : defaultChannel;
        templateChannels = templateChannels == null ? Map.of() : Map.copyOf(templateChannels);
        groupCacheTtl = groupCacheTtl == null ? DEFAULT_GROUP_CACHE_TTL : groupCacheTtl;
    }

    /** Settings with Slack's defaults and the given secrets (tests, the bench). */
    public static SlackSettings of(String signingSecret, String botToken, String apiUrl) {
        return new SlackSettings(signingSecret, botToken, apiUrl, null, null, Map.of(), null);
    }

    /**
     * Reads the {@code slack:} section of {@code dolly.yaml} (already parsed into maps) and the template channels
     * from the {@code templates:} section; secrets come from {@code env}. Keys of {@code slack}: {@code apiUrl},
     * {@code command}, {@code channel}, {@code groupCacheTtl} ({@code 10m}), {@code signingSecretEnv},
     * {@code botTokenEnv} (names of the environment variables holding the secrets, default
     * {@code SLACK_SIGNING_SECRET} and {@code SLACK_BOT_TOKEN}). Env {@code DOLLY_SLACK_API_URL} overrides {@code apiUrl}.
     */
    public static SlackSettings from(Map<String, ?> slack, Map<String, ?> templates, Map<String, String> env) {
        Map<String, ?> s = slack == null ? Map.of() : slack;
        String secretEnv = Objects.toString(s.get("signingSecretEnv"), SIGNING_SECRET_ENV);
        String tokenEnv = Objects.toString(s.get("botTokenEnv"), BOT_TOKEN_ENV);
        String apiUrl = env.getOrDefault(API_URL_ENV, str(s.get("apiUrl")));
        Object ttl = s.get("groupCacheTtl");
        Map<String, String> channels = new LinkedHashMap<>();
        if (templates != null) {
            templates.forEach((name, t) -> {
                if (t instanceof Map<?, ?> m && m.get("slackChannel") != null) channels.put(name, m.get("slackChannel").toString());
            });
        }
        return new SlackSettings(env.get(secretEnv), env.get(tokenEnv), apiUrl, str(s.get("command")), str(s.get("channel")),
                channels, ttl == null ? null : Durations.parse(ttl.toString()));
    }

    /** {@link #from} with only the environment: {@code SLACK_SIGNING_SECRET}, {@code SLACK_BOT_TOKEN}, {@code DOLLY_SLACK_API_URL}. */
    public static SlackSettings fromEnv(Map<String, String> env) {
        return from(Map.of(), Map.of(), env);
    }

    /** Where notices about {@code template} go: its own channel, else the default, else null. */
    public String channelFor(String template) {
        return templateChannels.getOrDefault(template, defaultChannel);
    }

    public SlackSettings withTemplateChannels(Map<String, String> channels, String defaultChannel) {
        return new SlackSettings(signingSecret, botToken, apiUrl, command, defaultChannel, channels, groupCacheTtl);
    }

    public SlackSettings withGroupCacheTtl(Duration ttl) {
        return new SlackSettings(signingSecret, botToken, apiUrl, command, defaultChannel, templateChannels, ttl);
    }

    public SlackSettings withCommand(String command) {
        return new SlackSettings(signingSecret, botToken, apiUrl, command, defaultChannel, templateChannels, groupCacheTtl);
    }

    private static String str(Object o) { return o == null ? null : o.toString(); }

    @Override
    public String toString() {
        return "SlackSettings[signingSecret=***, botToken=***, apiUrl=" + apiUrl + ", command=" + command
                + ", defaultChannel=" + defaultChannel + ", templateChannels=" + templateChannels
                + ", groupCacheTtl=" + groupCacheTtl + "]";
    }
}
