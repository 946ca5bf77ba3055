package dev.dolly.functions.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The control plane's sections of the shared YAML ({@code templates:}, {@code hosts:}, {@code grants:},
 * {@code ciKeys:}, {@code slack:}), picked by {@link ConfigLoader} from the file as the shared
 * {@code dev.dolly.config.ConfigReader} reads and checks it; the other sections are the agent's. Secrets
 * never appear here in plain text except in test fixtures: each names the environment variable holding it.
 */
public record DollyConfig(Map<String, TemplateConfig> templates, List<HostConfig> hosts, List<GrantConfig> grants,
                          List<CiKeyConfig> ciKeys, Map<String, Object> slack, EventsConfig events) {

    public DollyConfig(Map<String, TemplateConfig> templates, List<HostConfig> hosts, List<GrantConfig> grants,
                       List<CiKeyConfig> ciKeys, Map<String, Object> slack) {
        this(templates, hosts, grants, ciKeys, slack, null);
    }

    public DollyConfig {
        events = events == null ? EventsConfig.NONE : events;
        slack = slack == null ? Map.of() : slack;
        templates = templates == null ? Map.of() : Map.copyOf(templates);
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        grants = grants == null ? List.of() : List.copyOf(grants);
        ciKeys = ciKeys == null ? List.of() : List.copyOf(ciKeys);
    }

    public TemplateConfig template(String name) {
        return templates.get(name);
    }

    public record TemplateConfig(String database, String description,
                                 CloneDefaults cloneDefaults,
                                 RefreshConfig refresh, String slackChannel, CheckConfig check) {
        public TemplateConfig {
            cloneDefaults = cloneDefaults == null ? new CloneDefaults(null, null, null) : cloneDefaults;
            check = check == null ? CheckConfig.NONE : check;
        }

        public TemplateConfig(String database, String description, CloneDefaults cloneDefaults, RefreshConfig refresh, String slackChannel) {
            this(database, description, cloneDefaults, refresh, slackChannel, null);
        }

        public String databaseOr(String templateName) {
            return database == null || database.isBlank() ? templateName : database;
        }
    }

    /** Clone defaults of a template: default TTL, the longest TTL anyone may ask for, idle expiry. */
    public record CloneDefaults(Duration ttl, Duration maxTtl, Duration idle) {
        public Duration ttlOrDefault() { return ttl == null ? Duration.ofHours(8) : ttl; }
        public Duration maxTtlOrDefault() { return maxTtl == null ? Duration.ofHours(72) : maxTtl; }
        /** Null: no idle expiry. */
        public Duration idleOrNull() { return idle; }
    }

    public record RefreshConfig(String schedule) {}

    /**
     * Migration-check settings ({@code check:} of a template or a CI key; each null when not written): the verdict's
     * thresholds, the probe workload, and (CI keys) the Slack channel the key's checks are posted to.
     */
    public record CheckConfig(Duration failBlocked, Long warnRewriteBytes, Integer probeSessions, Integer probeRate,
                              Boolean probeLongTransaction, String slackChannel) {
        public static final CheckConfig NONE = new CheckConfig(null, null, null, null, null, null);

        /** This one's values where written, else {@code under}'s. */
        public CheckConfig over(CheckConfig under) {
            return new CheckConfig(failBlocked != null ? failBlocked : under.failBlocked,
                    warnRewriteBytes != null ? warnRewriteBytes : under.warnRewriteBytes,
                    probeSessions != null ? probeSessions : under.probeSessions, probeRate != null ? probeRate : under.probeRate,
                    probeLongTransaction != null ? probeLongTransaction : under.probeLongTransaction,
                    slackChannel != null ? slackChannel : under.slackChannel);
        }
    }

    /**
     * A host agent: its name (used in placement and records), base URL, and the environment variable
     * holding its HMAC secret (default {@code DOLLY_AGENT_SECRET}).
     */
    public record HostConfig(String name, String url, String secretEnv, String secret) {
        @Override
        public String toString() {
            return "HostConfig[name=" + name + ", url=" + url + ", secretEnv=" + secretEnv + ", secret=" + (secret == null ? "null" : "***") + "]";
        }
    }

    /**
     * A role bound to subjects (Slack user ids, Slack user group ids, CI key ids) on templates
     * ({@code "*"} for all), with quotas: how many clones a principal may hold and the longest TTL.
     */
    public record GrantConfig(String name, String role, List<String> templates, List<String> slackUsers,
                              List<String> slackGroups, List<String> ciKeys, Integer maxClones, Duration maxTtl) {
        public GrantConfig {
            templates = templates == null || templates.isEmpty() ? List.of("*") : List.copyOf(templates);
            slackUsers = slackUsers == null ? List.of() : List.copyOf(slackUsers);
            slackGroups = slackGroups == null ? List.of() : List.copyOf(slackGroups);
            ciKeys = ciKeys == null ? List.of() : List.copyOf(ciKeys);
        }
    }

    /**
     * {@code events:}: the webhook endpoints and how deliveries are retried (each null: the default of
     * {@code WebhookDeliveries.Retry.defaults()}).
     */
    public record EventsConfig(List<WebhookConfig> webhooks, Duration firstRetry, Duration maxRetry, Integer attempts, Duration timeout) {
        public static final EventsConfig NONE = new EventsConfig(List.of(), null, null, null, null);

        public EventsConfig {
            webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
        }
    }

    /**
     * One receiver of events: a name (records and logs use it, never the URL), its URL, the environment variable holding
     * the secret its deliveries are signed with (or the secret, in test fixtures), and the event types it wants (none: all).
     */
    public record WebhookConfig(String name, String url, String secretEnv, String secret, List<String> events) {
        public WebhookConfig {
            events = events == null ? List.of() : List.copyOf(events);
        }

        @Override
        public String toString() {
            return "WebhookConfig[name=" + name + ", secretEnv=" + secretEnv + ", secret=" + (secret == null ? "null" : "***")
                    + ", events=" + events + "]";
        }
    }

    /** A CI key: its public id (sent as {@code X-Dolly-Key}) and the environment variable holding its secret. */
    public record CiKeyConfig(String id, String secretEnv, String secret, String description, CheckConfig check) {
        public CiKeyConfig {
            check = check == null ? CheckConfig.NONE : check;
        }

        public CiKeyConfig(String id, String secretEnv, String secret, String description) {
            this(id, secretEnv, secret, description, null);
        }

        @Override
        public String toString() {
            return "CiKeyConfig[id=" + id + ", secretEnv=" + secretEnv + ", secret=" + (secret == null ? "null" : "***") + "]";
        }
    }
}
