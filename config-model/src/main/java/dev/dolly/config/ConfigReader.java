package dev.dolly.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
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

/** Reads dolly.yaml: parses it, checks it against {@link Schema}, and types it as a {@link DollyFile}. */
public final class ConfigReader {
    private static final ObjectMapper YAML = new YAMLMapper();

    private ConfigReader() {}

    /** Reads the file at {@code file}. */
    public static DollyFile load(Path file) {
        try {
            return read(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config " + file, e);
        }
    }

    /** Reads {@code yaml}; {@code source} names it in a syntax error ("config", a file name). */
    public static DollyFile read(String yaml, String source) {
        JsonNode root = parse(yaml, source);
        Validator.check(root, Schema.FILE, "");
        return model(root);
    }

    /**
     * The YAML tree of {@code yaml} (an empty map for an empty document), not yet checked. A syntax error names
     * the line and column only: the parser's own message quotes the line, which may hold a secret.
     */
    public static JsonNode parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new ConfigException("", source + " is not valid YAML"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return YAML.createObjectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException("", source + " is not a Dolly config (expected sections like templates:, grants:, agent:)");
        }
        return root;
    }

    /** Checks a parsed tree against {@link Schema}; throws {@link ConfigException} at the first problem. */
    public static void check(JsonNode root) {
        Validator.check(root, Schema.FILE, "");
    }

    private static DollyFile model(JsonNode root) {
        JsonNode a = root.path("agent");
        JsonNode cb = a.path("callback");
        DollyFile.Agent agent = new DollyFile.Agent(text(a, "host"), text(a, "bindAddress"), text(a, "listen"), text(a, "pool"),
                text(a, "ports"), text(a, "image"), text(a, "secretEnv"), text(a, "dockerHost"), text(a, "zfs"),
                text(a, "workDir"), text(a, "network"), duration(a, "readyTimeout"), duration(a, "buildReadyTimeout"),
                size(a, "minFree"), size(a, "buildMemory"), size(a, "cloneMemory"), duration(a, "activityInterval"),
                bool(a, "buildMissingTemplates"), integer(a, "postgresUid"), integer(a, "postgresGid"), integer(a, "retention"),
                cb.isObject() ? new DollyFile.Callback(text(cb, "url"), text(cb, "host"), duration(cb, "heartbeat")) : null);
        Map<String, DollyFile.Template> templates = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("templates").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            templates.put(e.getKey(), template(e.getKey(), e.getValue()));
        }
        List<DollyFile.Host> hosts = new ArrayList<>();
        root.path("hosts").forEach(h -> hosts.add(new DollyFile.Host(text(h, "name"), text(h, "url"), text(h, "secretEnv"), text(h, "secret"))));
        List<DollyFile.Grant> grants = new ArrayList<>();
        root.path("grants").forEach(g -> grants.add(new DollyFile.Grant(text(g, "name"), text(g, "role"), list(g, "templates"),
                list(g, "slackUsers"), list(g, "slackGroups"), list(g, "ciKeys"), integer(g, "maxClones"), duration(g, "maxTtl"))));
        List<DollyFile.CiKey> ciKeys = new ArrayList<>();
        root.path("ciKeys").forEach(k -> ciKeys.add(new DollyFile.CiKey(text(k, "id"), text(k, "secretEnv"), text(k, "secret"),
                text(k, "description"))));
        Map<String, Object> slack = root.path("slack").isObject()
                ? YAML.convertValue(root.get("slack"), new TypeReference<LinkedHashMap<String, Object>>() {})
                : Map.of();
        return new DollyFile(root, agent, java.util.Collections.unmodifiableMap(templates), List.copyOf(hosts), List.copyOf(grants),
                List.copyOf(ciKeys), java.util.Collections.unmodifiableMap(slack));
    }

    private static DollyFile.Template template(String name, JsonNode n) {
        JsonNode c = n.path("clone");
        DollyFile.Clone clone = new DollyFile.Clone(duration(c, "ttl"), duration(c, "maxTtl"), duration(c, "idle"),
                size(c, "memory"), size(c, "quota"));
        return new DollyFile.Template(name, text(n, "database"), text(n, "description"), list(n, "seed"), node(n, "source"),
                node(n, "masking"), node(n, "refresh"), integer(n, "retention"), clone, text(n, "image"),
                text(n, "slackChannel"), n);
    }

    private static JsonNode node(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = node(n, field);
        return v == null ? null : v.asText();
    }

    private static Duration duration(JsonNode n, String field) {
        String v = text(n, field);
        return v == null ? null : Durations.parse(v);
    }

    private static Long size(JsonNode n, String field) {
        String v = text(n, field);
        return v == null ? null : Sizes.parse(v);
    }

    private static Integer integer(JsonNode n, String field) {
        JsonNode v = node(n, field);
        return v == null ? null : v.isIntegralNumber() ? v.asInt() : Integer.parseInt(v.asText().trim());
    }

    private static Boolean bool(JsonNode n, String field) {
        JsonNode v = node(n, field);
        return v == null ? null : v.isBoolean() ? v.asBoolean() : Boolean.parseBoolean(v.asText().trim());
    }

    /** A list of values, a single value as a list of one, or an empty list when absent. */
    private static List<String> list(JsonNode n, String field) {
        JsonNode v = node(n, field);
        List<String> out = new ArrayList<>();
        if (v != null && v.isArray()) {
            v.forEach(x -> out.add(x.asText()));
        } else if (v != null) {
            out.add(v.asText());
        }
        return List.copyOf(out);
    }
}
