package dev.dolly.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dolly.config.Schema.Fields;
import dev.dolly.config.Schema.Items;
import dev.dolly.config.Schema.Kind;
import dev.dolly.config.Schema.Named;
import dev.dolly.config.Schema.Scalar;
import dev.dolly.config.Schema.Shape;
import java.util.Iterator;
import java.util.Map;

/**
 * Checks a parsed dolly.yaml against {@link Schema}: every key known, every value of its kind. The first
 * problem is thrown as a {@link ConfigException} naming its YAML path; an unknown key comes with the nearest
 * known one. Messages quote durations, sizes and numbers, never a text value (it might be a secret).
 */
final class Validator {
    private Validator() {}

    static void check(JsonNode node, Shape shape, String path) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        if (shape instanceof Fields f) {
            fields(node, f, path);
        } else if (shape instanceof Named n) {
            requireMap(node, path);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                check(e.getValue(), n.value(), join(path, e.getKey()));
            }
        } else if (shape instanceof Items i) {
            if (!node.isArray()) {
                throw new ConfigException(path, "expected a list");
            }
            for (int k = 0; k < node.size(); k++) {
                check(node.get(k), i.item(), path + "[" + k + "]");
            }
        } else if (shape instanceof Scalar s) {
            scalar(node, s.kind(), path);
        }
    }

    private static void fields(JsonNode node, Fields f, String path) {
        requireMap(node, path);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Schema.Key key = f.keys().get(e.getKey());
            String at = join(path, e.getKey());
            if (key == null) {
                String hint = Suggestions.nearest(e.getKey(), f.keys().keySet()).map(k -> "; did you mean '" + k + "'?")
                        .orElse(" (known: " + String.join(", ", f.keys().keySet()) + ")");
                throw new ConfigException(at, "unknown key '" + e.getKey() + "'" + hint);
            }
            check(e.getValue(), key.shape(), at);
        }
    }

    private static void scalar(JsonNode v, Kind kind, String path) {
        switch (kind) {
            case ANY -> { }
            case TEXT -> requireScalar(v, path, "a single value");
            case TEXT_LIST -> {
                if (v.isArray()) {
                    v.forEach(item -> requireScalar(item, path, "a list of values"));
                } else {
                    requireScalar(v, path, "a value or a list of values");
                }
            }
            case INTEGER -> {
                if (!(v.isIntegralNumber() || v.isTextual() && v.asText().trim().matches("-?\\d{1,9}"))) {
                    throw new ConfigException(path, "expected a whole number, got " + quote(v));
                }
            }
            case NUMBER -> {
                if (!(v.isNumber() || v.isTextual() && v.asText().trim().matches("-?\\d+(\\.\\d+)?"))) {
                    throw new ConfigException(path, "expected a number, got " + quote(v));
                }
            }
            case BOOLEAN -> {
                if (!(v.isBoolean() || v.isTextual() && v.asText().trim().matches("(?i)true|false"))) {
                    throw new ConfigException(path, "expected true or false, got " + quote(v));
                }
            }
            case DURATION -> {
                requireScalar(v, path, "a duration");
                try {
                    Durations.parse(v.asText());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(path, e.getMessage());
                }
            }
            case SIZE -> {
                requireScalar(v, path, "a size");
                try {
                    Sizes.parse(v.asText());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(path, e.getMessage());
                }
            }
        }
    }

    private static void requireMap(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new ConfigException(path, "expected a map of keys");
        }
    }

    private static void requireScalar(JsonNode node, String path, String what) {
        if (node.isContainerNode()) {
            throw new ConfigException(path, "expected " + what + ", got a " + (node.isArray() ? "list" : "map"));
        }
    }

    private static String quote(JsonNode v) {
        return v.isContainerNode() ? "a " + (v.isArray() ? "list" : "map") : "'" + v.asText() + "'";
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
