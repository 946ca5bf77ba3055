package dev.dolly.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.dolly.agent.Names;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the agent's part of the Dolly YAML: the {@code agent:} and {@code templates:} sections;
 * other sections are ignored. Secrets come from the environment ({@code agent.secretEnv} names
 * the variable holding the API key).
 *
 * <pre>
 * agent:
 *   host: localhost            # advertised host name in clone connection details
 *   bindAddress: 0.0.0.0       # host address clone ports are published on (bridge network)
 *   listen: 127.0.0.1:7070     # where the API listens
 *   pool: dolly                # dataset root
 *   ports: 6000-6099           # host ports for clone containers
 *   image: dolly/postgres:15   # the 15 image, and the repository of the other majors' (dolly/postgres:17, …)
 *   images:                    # optional: the image per PostgreSQL major, when not repository:major
 *     17: registry.local/pg:17
 *   secretEnv: DOLLY_AGENT_SECRET
 *   dockerHost: unix:///var/run/docker.sock
 *   workDir: /var/lib/dolly/agent
 *   network: bridge            # bridge (published port) or host
 *   readyTimeout: 30s          # clone start → accepting connections
 *   buildReadyTimeout: 120s
 *   minFree: 64m               # refuse new clones when the dataset root has less available
 *   buildMemory: 2g            # memory limit of template build servers
 *   cloneMemory: 256m          # default clone container memory limit (templates' clone.memory wins)
 *   activityInterval: 60s      # how often clone activity is sampled
 *   buildMissingTemplates: true  # on start, build seed templates that have no snapshot yet
 *   retention: 3               # default snapshots kept per template
 *   callback:                  # optional: push refresh jobs and heartbeats to the control plane
 *     url: http://127.0.0.1:8080/agent/callback
 *     host: h1                 # X-Dolly-Host (default: agent.host)
 *     heartbeat: 30s
 * </pre>
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    public static AgentConfig load(Path file, Map<String, String> env) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Path dir = file.toAbsolutePath().getParent();
            return parse(text, dir, env);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config " + file, e);
        }
    }

    public static AgentConfig parse(String yaml, Path baseDir, Map<String, String> env) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException("config is not valid YAML: " + e.getMessage(), e);
        }
        if (root == null) {
            root = MissingNode.getInstance();
        }
        JsonNode a = root.path("agent");
        String listen = text(a, "listen", "127.0.0.1:7070");
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("agent.listen '" + listen + "' must be host:port");
        }
        String ports = text(a, "ports", "6000-6099");
        String[] pr = ports.split("-");
        if (pr.length != 2) {
            throw new IllegalArgumentException("agent.ports '" + ports + "' must be a range such as 6000-6099");
        }
        int portFrom = Integer.parseInt(pr[0].trim());
        int portTo = Integer.parseInt(pr[1].trim());
        if (portFrom < 1024 || portTo > 65535 || portFrom > portTo) {
            throw new IllegalArgumentException("agent.ports '" + ports + "' must be a range within 1024-65535");
        }
        String secretEnv = text(a, "secretEnv", "DOLLY_AGENT_SECRET");
        String secret = env.get(secretEnv);
        String pool = Names.datasetRoot(text(a, "pool", "dolly"));
        long defaultCloneMemory = Units.bytes(text(a, "cloneMemory", "256m"));
        int defaultRetention = a.path("retention").asInt(3);
        String image = text(a, "image", "dolly/postgres:15");
        Map<Integer, String> images = images(a.path("images"));

        Map<String, TemplateConfig> templates = new LinkedHashMap<>();
        JsonNode t = root.path("templates");
        for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            templates.put(e.getKey(), template(e.getKey(), e.getValue(), baseDir, defaultRetention, defaultCloneMemory));
        }
        return new AgentConfig(
                text(a, "host", "localhost"),
                text(a, "bindAddress", "0.0.0.0"),
                listen.substring(0, colon),
                Integer.parseInt(listen.substring(colon + 1)),
                pool,
                portFrom,
                portTo,
                image,
                images,
                secretEnv,
                secret == null || secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8),
                text(a, "dockerHost", env.getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock")),
                text(a, "zfs", "zfs"),
                Path.of(text(a, "workDir", "/var/lib/dolly/agent")),
                AgentConfig.Network.valueOf(text(a, "network", "bridge").toUpperCase()),
                Units.duration(text(a, "readyTimeout", "30s")),
                Units.duration(text(a, "buildReadyTimeout", "120s")),
                Units.bytes(text(a, "minFree", "64m")),
                Units.bytes(text(a, "buildMemory", "2g")),
                defaultCloneMemory,
                Units.duration(text(a, "activityInterval", "60s")),
                a.path("buildMissingTemplates").asBoolean(true),
                a.path("postgresUid").asInt(999),
                a.path("postgresGid").asInt(999),
                defaultRetention,
                Map.copyOf(templates),
                callback(a.path("callback"), text(a, "host", "localhost")));
    }

    static AgentConfig.Callback callback(JsonNode c, String defaultHost) {
        if (!c.hasNonNull("url")) {
            return null;
        }
        return new AgentConfig.Callback(java.net.URI.create(c.get("url").asText()), text(c, "host", defaultHost),
                Units.duration(text(c, "heartbeat", "30s")));
    }

    static TemplateConfig template(String name, JsonNode n, Path baseDir, int defaultRetention, long defaultCloneMemory) {
        Names.template(name);
        String database = Names.database(text(n, "database", name.replace('-', '_')));
        List<Path> seed = new ArrayList<>();
        JsonNode s = n.path("seed");
        if (s.isTextual()) {
            seed.add(resolve(baseDir, s.asText()));
        } else if (s.isArray()) {
            s.forEach(x -> seed.add(resolve(baseDir, x.asText())));
        }
        JsonNode c = n.path("clone");
        TemplateConfig.CloneDefaults clone = new TemplateConfig.CloneDefaults(
                c.hasNonNull("ttl") ? Units.duration(c.get("ttl").asText()) : null,
                c.hasNonNull("maxTtl") ? Units.duration(c.get("maxTtl").asText()) : null,
                c.hasNonNull("idle") ? Units.duration(c.get("idle").asText()) : null,
                c.hasNonNull("memory") ? Units.bytes(c.get("memory").asText()) : defaultCloneMemory,
                c.hasNonNull("quota") ? Units.bytes(c.get("quota").asText()) : 0L);
        int retention = n.path("retention").asInt(defaultRetention);
        if (retention < 1) {
            throw new IllegalArgumentException("templates." + name + ".retention must be at least 1");
        }
        return new TemplateConfig(name, database, text(n, "description", ""), seed,
                node(n, "source"), node(n, "masking"), node(n, "refresh"), retention, clone,
                n.hasNonNull("image") ? n.get("image").asText() : null,
                n.hasNonNull("slackChannel") ? n.get("slackChannel").asText() : null,
                postgres(n, name),
                allowFailures(n.path("upgrade"), name),
                n);
    }

    /** {@code agent.images}: major → image. */
    static Map<Integer, String> images(JsonNode n) {
        Map<Integer, String> m = new LinkedHashMap<>();
        if (n.isMissingNode() || n.isNull()) {
            return Map.of();
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException("agent.images must be a map from PostgreSQL major to image, e.g. {17: dolly/postgres:17}");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(major(e.getKey(), "agent.images." + e.getKey()), e.getValue().asText());
        }
        return Map.copyOf(m);
    }

    /** {@code templates.<t>.postgres}: the clone engine's major, or null (the default). */
    static Integer postgres(JsonNode n, String template) {
        JsonNode v = n.get("postgres");
        return v == null || v.isNull() ? null : major(v.asText(), "templates." + template + ".postgres");
    }

    /** {@code templates.<t>.upgrade.allowFailures}: objects an upgrade rehearsal may fail to restore. */
    static List<String> allowFailures(JsonNode upgrade, String template) {
        if (upgrade.isMissingNode() || upgrade.isNull()) {
            return List.of();
        }
        String where = "templates." + template + ".upgrade";
        if (!upgrade.isObject()) {
            throw new IllegalArgumentException(where + " must be a map such as {allowFailures: [public.old_view]}");
        }
        for (Iterator<String> it = upgrade.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("allowFailures")) {
                throw new IllegalArgumentException(where + ": unknown key '" + f + "' (allowed: allowFailures)");
            }
        }
        JsonNode a = upgrade.path("allowFailures");
        if (a.isMissingNode() || a.isNull()) {
            return List.of();
        }
        if (!a.isArray()) {
            throw new IllegalArgumentException(where + ".allowFailures must be a list of object names (schema.name)");
        }
        List<String> out = new ArrayList<>();
        a.forEach(x -> out.add(x.asText()));
        return List.copyOf(out);
    }

    private static int major(String text, String where) {
        Integer m = majorOfTag(text);
        if (m == null || m < AgentConfig.MIN_MAJOR || m > AgentConfig.MAX_MAJOR) {
            throw new IllegalArgumentException(where + ": a PostgreSQL major version from " + AgentConfig.MIN_MAJOR + " to "
                    + AgentConfig.MAX_MAJOR + ", got '" + text + "'");
        }
        return m;
    }

    /** The major an image tag or version names ({@code 17}, {@code 17-abc123}, {@code 17.2}), or null. */
    static Integer majorOfTag(String tag) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d{1,3})(?:[.-].*)?$").matcher(tag.trim());
        return m.matches() ? Integer.valueOf(m.group(1)) : null;
    }

    private static Path resolve(Path baseDir, String p) {
        Path path = Path.of(p);
        return path.isAbsolute() || baseDir == null ? path : baseDir.resolve(path).normalize();
    }

    private static JsonNode node(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v;
    }

    private static String text(JsonNode n, String field, String otherwise) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? otherwise : v.asText();
    }

    /** A duration or null, for optional settings. */
    public static Duration durationOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : Units.duration(v.asText());
    }
}
