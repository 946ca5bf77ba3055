package dev.dolly.infra;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.config.ConfigException;
import dev.dolly.config.ConfigReader;
import dev.dolly.config.Schema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control plane's part of the operator's {@code dolly.yaml} (context {@code hostConfig}), for the
 * functions' {@value #ENV}, read and checked by the shared {@link ConfigReader} (a bad duration or an unknown
 * key fails synthesis as it would stop the agent and the functions): {@code templates} (each with only the keys the control plane reads),
 * {@code grants}, {@code ciKeys} and {@code slack}, as compact JSON (which is YAML). {@code agent:} and
 * the templates' {@code source}, {@code masking}, {@code seed}, … are the host agent's; {@code hosts:} is
 * dropped because on AWS the functions find the host through {@code DOLLY_HOSTS} (they add its hosts to
 * the YAML's, and a host the YAML names would win over it).
 *
 * <p>Lambda allows 4 KB of environment in total, so the whole environment of each function is
 * estimated and synthesis fails above {@value #ENV_BUDGET_BYTES} bytes. A value under a secret-looking
 * key ({@code secret:}, {@code password:}, …) is refused: it would end up in the template, cdk.out and the
 * host's S3 asset.
 */
public final class FunctionsConfig {
    /** The variable the functions read the YAML from (Spring binds it to {@code dolly.config-yaml}). */
    static final String ENV = "DOLLY_CONFIG_YAML";
    /** What Dolly lets a function's environment grow to: Lambda's limit is 4 KB for all variables together. */
    static final int ENV_BUDGET_BYTES = 3584;
    /**
     * What an unresolved token (a secret's ARN, the table name) is counted as: a Secrets Manager ARN with
     * a generated name is about 100 bytes.
     */
    static final int TOKEN_ESTIMATE_BYTES = 128;
    /** The sections the control plane reads ({@link Schema}) but {@code hosts}, which DOLLY_HOSTS replaces on AWS. */
    static final List<String> SECTIONS = Schema.FILE.readBy(Schema.Reader.CONTROL_PLANE).stream()
            .filter(section -> !section.equals("hosts")).toList();
    /** The keys of a template the control plane reads ({@link Schema}); the rest (source, masking, seed, …) is the agent's. */
    static final List<String> TEMPLATE_KEYS = Schema.TEMPLATE.readBy(Schema.Reader.CONTROL_PLANE);
    /** Keys that hold a secret when they hold a value; {@code *Env} keys name a variable and pass. */
    static final Pattern SECRET_KEY = Pattern.compile("(?i).*(secret|password|passwd|token|salt|apikey|privatekey)");
    private static final Pattern TOKEN = Pattern.compile("\\$\\{Token\\[[^\\]]*\\]\\}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private FunctionsConfig() {}

    /**
     * The value of {@value #ENV} for the file at {@code hostConfig}.
     *
     * @throws IllegalStateException    the file is missing or unreadable
     * @throws IllegalArgumentException it is not a Dolly config, or holds a secret inline
     */
    static String fromFile(Path hostConfig) {
        Path path = hostConfig.toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("context 'hostConfig': no such file " + path);
        }
        try {
            return fromYaml(Files.readString(path), path.toString());
        } catch (IOException e) {
            throw new IllegalStateException("context 'hostConfig': cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** The value of {@value #ENV} for the YAML text {@code yaml} ({@code source} names it in messages). */
    public static String fromYaml(String yaml, String source) {
        JsonNode tree;
        try {
            tree = ConfigReader.parse(yaml, source);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("context 'hostConfig': " + e.getMessage());
        }
        Map<?, ?> root = JSON.convertValue(tree, Map.class);
        refuseInlineSecrets(root, "", source);
        Map<String, Object> controlPlane = controlPlane(root, source);
        try {
            // the same check the agent and the functions make when they start: a bad value fails synthesis instead
            ConfigReader.check(tree);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("context 'hostConfig': " + source + ": " + e.getMessage());
        }
        try {
            return JSON.writeValueAsString(controlPlane);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The control plane's sections of {@code root}, templates reduced to {@link #TEMPLATE_KEYS}. */
    static Map<String, Object> controlPlane(Map<?, ?> root, String source) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String section : SECTIONS) {
            Object value = root.get(section);
            if (value == null) {
                continue;
            }
            boolean map = section.equals("templates") || section.equals("slack");
            if (map ? !(value instanceof Map) : !(value instanceof List)) {
                throw new IllegalArgumentException("context 'hostConfig': " + source + ": '" + section
                        + "' must be a " + (map ? "map" : "list"));
            }
            if (section.equals("templates")) {
                Map<String, Object> templates = new LinkedHashMap<>();
                ((Map<?, ?>) value).forEach((name, t) -> {
                    if (t != null && !(t instanceof Map)) {
                        throw new IllegalArgumentException("context 'hostConfig': " + source + ": 'templates."
                                + name + "' must be a map");
                    }
                    Map<String, Object> kept = new LinkedHashMap<>();
                    if (t instanceof Map<?, ?> m) {
                        for (String key : TEMPLATE_KEYS) {
                            if (m.get(key) != null) {
                                kept.put(key, m.get(key));
                            }
                        }
                    }
                    templates.put(String.valueOf(name), kept);
                });
                value = templates;
            }
            out.put(section, value);
        }
        return out;
    }

    /**
     * Refuses a value under a secret-looking key anywhere in the file (the agent's sections are shipped
     * too, as an S3 asset). Column names in {@code masking.tables} are data, not keys, and are skipped.
     * Messages name the key, never the value.
     */
    static void refuseInlineSecrets(Object node, String path, String source) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                String at = path.isEmpty() ? key : path + "." + key;
                Object value = e.getValue();
                if (SECRET_KEY.matcher(key).matches() && isValue(value)) {
                    throw new IllegalArgumentException("context 'hostConfig': " + source + ": '" + at
                            + "' holds a secret inline; it would be copied into cdk.out, the S3 assets and the "
                            + "Lambda environment. Name the environment variable that holds it instead ('" + key
                            + "Env: NAME'; secretEnv / passwordEnv, never the value) and put the value into the host "
                            + "environment secret or the stack's Secrets Manager secrets (infra/README.md, Deploy).");
                }
                if (key.equals("tables") && path.endsWith("masking")) {
                    continue;
                }
                refuseInlineSecrets(value, at, source);
            }
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                refuseInlineSecrets(list.get(i), path + "[" + i + "]", source);
            }
        }
    }

    private static boolean isValue(Object v) {
        return v != null && !(v instanceof Map) && !(v instanceof List) && !v.toString().isBlank();
    }

    /** Estimated size of a Lambda environment: names and values, each unresolved token as {@value #TOKEN_ESTIMATE_BYTES} bytes. */
    static int estimatedBytes(Map<String, String> env) {
        int n = 0;
        for (Map.Entry<String, String> e : env.entrySet()) {
            n += utf8(e.getKey()) + estimatedBytes(e.getValue());
        }
        return n;
    }

    static int estimatedBytes(String value) {
        if (value == null) {
            return 0;
        }
        Matcher m = TOKEN.matcher(value);
        int tokens = 0;
        StringBuilder literal = new StringBuilder();
        while (m.find()) {
            tokens++;
            m.appendReplacement(literal, "");
        }
        m.appendTail(literal);
        return utf8(literal.toString()) + tokens * TOKEN_ESTIMATE_BYTES;
    }

    /**
     * Fails when {@code function}'s environment would exceed {@value #ENV_BUDGET_BYTES} bytes, saying what to trim.
     */
    static void checkEnvironmentSize(String function, Map<String, String> env, Path hostConfig) {
        int total = estimatedBytes(env);
        if (total <= ENV_BUDGET_BYTES) {
            return;
        }
        String config = env.get(ENV);
        String advice;
        if (config != null) {
            advice = " The config is too large for the Lambda environment: the control plane's part of hostConfig "
                    + hostConfig + " (" + ENV + ": templates without source/masking/seed, grants, ciKeys, slack) "
                    + "takes " + utf8(config) + " bytes of it. Trim the file: shorten or drop template and CI key "
                    + "descriptions, merge grants (one grant may name many users, groups and templates), remove "
                    + "templates and grants this deployment does not serve.";
        } else {
            advice = " Use fewer CI keys (context 'ciKeys').";
        }
        throw new IllegalArgumentException("function " + function + ": its environment would be about " + total
                + " bytes, over the " + ENV_BUDGET_BYTES + " Dolly allows (Lambda's limit is 4 KB for all variables "
                + "together; secret ARNs and the table name counted as " + TOKEN_ESTIMATE_BYTES + " bytes each)."
                + advice);
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
