package dev.dolly.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dolly.agent.Names;
import dev.dolly.config.ConfigReader;
import dev.dolly.config.DollyFile;
import dev.dolly.config.Sizes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads the agent's part of the Dolly YAML: the {@code agent:} and {@code templates:} sections of
 * the file as {@link ConfigReader} reads and checks it (the same reader the functions and infra use),
 * with the agent's defaults filled in; other sections are the control plane's. Secrets come from the environment ({@code agent.secretEnv} names
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
 *   clone:                     # host defaults of what confines a clone (templates' clone.* win): CloneLimits
 *     cpus: 1                  # CPU quota in cores (0: none)
 *     pids: 512                # process limit of a clone's container
 *     quota: 10g               # ZFS quota of a clone, savepoints included (0: none)
 *     savepoints: 10           # most savepoints per clone
 *     spares: 2                # warm spares per template (0: none, and no reset twin): a create takes a running one
 *   poolReserve: 10%           # creates, savepoints and refreshes must leave this much of the pool free
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
            return from(ConfigReader.read(text, file.toString()), dir, env);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config " + file, e);
        }
    }

    public static AgentConfig parse(String yaml, Path baseDir, Map<String, String> env) {
        return from(ConfigReader.read(yaml, "config"), baseDir, env);
    }

    /** The agent's sections of a read and checked dolly.yaml, defaults filled in. */
    public static AgentConfig from(DollyFile file, Path baseDir, Map<String, String> env) {
        DollyFile.Agent a = file.agent();
        String listen = or(a.listen(), "127.0.0.1:7070");
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("agent.listen '" + listen + "' must be host:port");
        }
        String ports = or(a.ports(), "6000-6099");
        String[] pr = ports.split("-");
        if (pr.length != 2) {
            throw new IllegalArgumentException("agent.ports '" + ports + "' must be a range such as 6000-6099");
        }
        int portFrom = Integer.parseInt(pr[0].trim());
        int portTo = Integer.parseInt(pr[1].trim());
        if (portFrom < 1024 || portTo > 65535 || portFrom > portTo) {
            throw new IllegalArgumentException("agent.ports '" + ports + "' must be a range within 1024-65535");
        }
        String secretEnv = or(a.secretEnv(), "DOLLY_AGENT_SECRET");
        // the control plane's name for this host: agent.name, else DOLLY_AGENT_NAME (the AWS host's bootstrap sets it
        // to the name the functions call it by), else the callback's host, else agent.host
        String callbackHost = a.callback() == null ? null : a.callback().host();
        String agentName = file.root().path("agent").hasNonNull("name") ? file.root().path("agent").get("name").asText() : null;
        String name = Names.host(or(agentName, env.getOrDefault("DOLLY_AGENT_NAME", or(callbackHost, or(a.host(), "localhost")))));
        String secret = env.get(secretEnv);
        String pool = Names.datasetRoot(or(a.pool(), "dolly"));
        long defaultCloneMemory = or(a.cloneMemory(), Sizes.parse("256m"));
        int defaultRetention = or(a.retention(), 3);
        String image = or(a.image(), "dolly/postgres:15");
        String host = or(a.host(), "localhost");
        Map<Integer, String> images = images(file.root().path("agent").path("images"));

        JsonNode rawAgent = file.root().path("agent");
        CloneLimits hostLimits = limits("agent.clone", rawAgent.path("clone"), CloneLimits.DEFAULT);
        String poolReserve = rawAgent.hasNonNull("poolReserve") ? rawAgent.get("poolReserve").asText() : "10%";
        AgentConfig.Isolation isolation = new AgentConfig.Isolation(hostLimits, fraction("agent.poolReserve", poolReserve),
                AgentConfig.Isolation.DEFAULT.dockerNetwork());
        Map<String, TemplateConfig> templates = new LinkedHashMap<>();
        file.templates().forEach((tname, t) -> templates.put(tname, template(t, baseDir, defaultRetention, defaultCloneMemory, hostLimits)));
        return new AgentConfig(
                host,
                or(a.bindAddress(), "0.0.0.0"),
                listen.substring(0, colon),
                Integer.parseInt(listen.substring(colon + 1)),
                pool,
                portFrom,
                portTo,
                image,
                images,
                secretEnv,
                secret == null || secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8),
                or(a.dockerHost(), env.getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock")),
                or(a.zfs(), "zfs"),
                Path.of(or(a.workDir(), "/var/lib/dolly/agent")),
                AgentConfig.Network.valueOf(or(a.network(), "bridge").toUpperCase()),
                or(a.readyTimeout(), Duration.ofSeconds(30)),
                or(a.buildReadyTimeout(), Duration.ofSeconds(120)),
                or(a.minFree(), Sizes.parse("64m")),
                or(a.buildMemory(), Sizes.parse("2g")),
                defaultCloneMemory,
                or(a.activityInterval(), Duration.ofSeconds(60)),
                or(a.buildMissingTemplates(), true),
                or(a.postgresUid(), 999),
                or(a.postgresGid(), 999),
                defaultRetention,
                Map.copyOf(templates),
                callback(a.callback(), name),
                name,
                isolation);
    }

    /** {@code <where>.{cpus,pids,quota,savepoints,capAdd,readOnlyRoot,ownerRole}} over {@code base}. */
    static CloneLimits limits(String where, JsonNode c, CloneLimits base) {
        List<String> caps = new ArrayList<>(base.capAdd());
        if (c.has("capAdd")) {
            caps.clear();
            c.path("capAdd").forEach(x -> caps.add(x.asText().toUpperCase().replaceFirst("^CAP_", "")));
        }
        try {
            return new CloneLimits(
                    c.hasNonNull("cpus") ? c.get("cpus").asDouble() : base.cpus(),
                    c.hasNonNull("pids") ? c.get("pids").asLong() : base.pids(),
                    c.hasNonNull("quota") ? Sizes.parse(c.get("quota").asText()) : base.quotaBytes(),
                    c.hasNonNull("savepoints") ? c.get("savepoints").asInt() : base.savepoints(),
                    caps,
                    c.hasNonNull("readOnlyRoot") ? c.get("readOnlyRoot").asBoolean() : base.readOnlyRoot(),
                    c.hasNonNull("ownerRole") ? ownerRole(where, c.get("ownerRole").asText()) : base.ownerRole(),
                    c.hasNonNull("spares") ? c.get("spares").asInt() : base.spares());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static CloneLimits.OwnerRole ownerRole(String where, String v) {
        return switch (v) {
            case "superuser" -> CloneLimits.OwnerRole.SUPERUSER;
            case "owner" -> CloneLimits.OwnerRole.OWNER;
            default -> throw new IllegalArgumentException(where + ".ownerRole '" + v + "' must be superuser or owner");
        };
    }

    /** {@code 10%} or {@code 0.1} as a fraction in [0, 0.9]. */
    static double fraction(String where, String v) {
        String t = v.trim();
        double f = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100 : Double.parseDouble(t);
        if (f < 0 || f > 0.9) {
            throw new IllegalArgumentException(where + " '" + v + "' must be between 0% and 90%");
        }
        return f;
    }

    static AgentConfig.Callback callback(DollyFile.Callback c, String defaultHost) {
        if (c == null || c.url() == null) {
            return null;
        }
        return new AgentConfig.Callback(java.net.URI.create(c.url()), or(c.host(), defaultHost), or(c.heartbeat(), Duration.ofSeconds(30)));
    }

    static TemplateConfig template(DollyFile.Template t, Path baseDir, int defaultRetention, long defaultCloneMemory, CloneLimits hostLimits) {
        String name = t.name();
        Names.template(name);
        String database = Names.database(or(t.database(), name.replace('-', '_')));
        List<Path> seed = new ArrayList<>();
        t.seed().forEach(x -> seed.add(resolve(baseDir, x)));
        DollyFile.Clone c = t.cloneDefaults();
        TemplateConfig.CloneDefaults clone = new TemplateConfig.CloneDefaults(c.ttl(), c.maxTtl(), c.idle(),
                or(c.memory(), defaultCloneMemory), limits("templates." + name + ".clone", t.raw().path("clone"), hostLimits));
        int retention = or(t.retention(), defaultRetention);
        if (retention < 1) {
            throw new IllegalArgumentException("templates." + name + ".retention must be at least 1");
        }
        return new TemplateConfig(name, database, or(t.description(), ""), seed,
                t.source(), t.masking(), t.refresh(), retention, clone, t.image(), t.slackChannel(),
                postgres(t.raw(), name), allowFailures(t.raw().path("upgrade"), name), t.raw());
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

    private static <T> T or(T value, T otherwise) {
        return value == null ? otherwise : value;
    }
}
