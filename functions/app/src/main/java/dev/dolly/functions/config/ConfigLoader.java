package dev.dolly.functions.config;

import dev.dolly.config.ConfigReader;
import dev.dolly.config.DollyFile;
import dev.dolly.config.Durations;
import dev.dolly.config.Sizes;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link DollyConfig} from a file path, a {@code classpath:} resource, or inline YAML text, through the
 * shared {@link ConfigReader} (the one the agent and infra use: a bad value or an unknown key anywhere in the
 * file stops the functions as it stops the agent).
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    public static DollyConfig fromYaml(String yaml) {
        return from(ConfigReader.read(yaml, "config"));
    }

    /** The control plane's sections of a read and checked dolly.yaml. */
    public static DollyConfig from(DollyFile f) {
        Map<String, DollyConfig.TemplateConfig> templates = new LinkedHashMap<>();
        f.templates().forEach((name, t) -> templates.put(name, new DollyConfig.TemplateConfig(t.database(), t.description(),
                new DollyConfig.CloneDefaults(t.cloneDefaults().ttl(), t.cloneDefaults().maxTtl(), t.cloneDefaults().idle()),
                t.refresh() == null ? null : new DollyConfig.RefreshConfig(t.refreshSchedule()), t.slackChannel(),
                check(t.raw() == null ? null : t.raw().get("check")))));
        List<DollyConfig.HostConfig> hosts = f.hosts().stream()
                .map(h -> new DollyConfig.HostConfig(h.name(), h.url(), h.secretEnv(), h.secret())).toList();
        List<DollyConfig.GrantConfig> grants = f.grants().stream()
                .map(g -> new DollyConfig.GrantConfig(g.name(), g.role(), g.templates(), g.slackUsers(), g.slackGroups(),
                        g.ciKeys(), g.maxClones(), g.maxTtl())).toList();
        JsonNode keyNodes = f.root() == null ? null : f.root().get("ciKeys");
        List<DollyConfig.CiKeyConfig> ciKeys = new java.util.ArrayList<>();
        for (int i = 0; i < f.ciKeys().size(); i++) {
            DollyFile.CiKey k = f.ciKeys().get(i);
            JsonNode check = keyNodes != null && keyNodes.isArray() && keyNodes.size() > i ? keyNodes.get(i).get("check") : null;
            ciKeys.add(new DollyConfig.CiKeyConfig(k.id(), k.secretEnv(), k.secret(), k.description(), check(check)));
        }
        return new DollyConfig(templates, hosts, grants, ciKeys, f.slack(),
                f.root() == null ? DollyConfig.EventsConfig.NONE : events(f.root().path("events")));
    }

    /** The {@code events:} section (checked against the schema already). */
    static DollyConfig.EventsConfig events(com.fasterxml.jackson.databind.JsonNode e) {
        if (!e.isObject()) return DollyConfig.EventsConfig.NONE;
        List<DollyConfig.WebhookConfig> hooks = new java.util.ArrayList<>();
        e.path("webhooks").forEach(w -> {
            List<String> types = new java.util.ArrayList<>();
            if (w.path("events").isArray()) w.path("events").forEach(t -> types.add(t.asText()));
            else if (w.hasNonNull("events")) types.add(w.get("events").asText());
            hooks.add(new DollyConfig.WebhookConfig(text(w, "name"), text(w, "url"), text(w, "secretEnv"), text(w, "secret"), types));
        });
        return new DollyConfig.EventsConfig(hooks, duration(e, "firstRetry"), duration(e, "maxRetry"),
                e.hasNonNull("attempts") ? e.get("attempts").asInt() : null, duration(e, "timeout"));
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    private static java.time.Duration duration(com.fasterxml.jackson.databind.JsonNode n, String field) {
        return n.hasNonNull(field) ? dev.dolly.config.Durations.parse(n.get(field).asText()) : null;
    }

    /** A {@code check:} section (already checked against the schema), or null when absent. */
    static DollyConfig.CheckConfig check(JsonNode n) {
        if (n == null || !n.isObject()) return null;
        JsonNode t = n.path("thresholds");
        JsonNode p = n.path("probe");
        return new DollyConfig.CheckConfig(
                t.hasNonNull("failBlocked") ? Durations.parse(t.get("failBlocked").asText()) : null,
                t.hasNonNull("warnRewrite") ? Sizes.parse(t.get("warnRewrite").asText()) : null,
                p.hasNonNull("sessions") ? p.get("sessions").asInt() : null,
                p.hasNonNull("rate") ? p.get("rate").asInt() : null,
                p.hasNonNull("longTransaction") ? p.get("longTransaction").asBoolean() : null,
                n.hasNonNull("slackChannel") ? n.get("slackChannel").asText() : null);
    }

    /** {@code location}: a file path or {@code classpath:name}. */
    public static DollyConfig load(String location) {
        try {
            if (location.startsWith("classpath:")) {
                String name = location.substring("classpath:".length()).replaceFirst("^/", "");
                try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IllegalArgumentException("config resource not found: " + location);
                    }
                    return from(ConfigReader.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), location));
                }
            }
            Path p = Path.of(location);
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("config file not found: " + p.toAbsolutePath()
                        + " (set DOLLY_CONFIG to the shared dolly.yaml)");
            }
            return from(ConfigReader.read(Files.readString(p), p.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
