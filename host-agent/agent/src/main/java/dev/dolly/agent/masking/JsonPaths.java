package dev.dolly.agent.masking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Rules applied at paths inside json/jsonb values. Path syntax (a small JSONPath subset):
 * {@code $.contact.email}, {@code $.phones[*]}, {@code $.items[0].name}, {@code $["odd key"]},
 * {@code $.*.email}. A rule at a path applies to the string and number values found there, or,
 * if the path leads to an object or array, to every string and number beneath it. Values the
 * paths do not reach are kept.
 */
public final class JsonPaths {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A parsed path: each step is a key, an index (as Integer), or "*" for every member. */
    record Path(String text, List<Object> steps) {}

    private static final Object ANY = new Object() {
        @Override
        public String toString() {
            return "*";
        }
    };

    private JsonPaths() {}

    static Path parse(String text, String where) {
        String s = text.trim();
        int i = 0;
        if (s.startsWith("$")) {
            i = 1;
        }
        List<Object> steps = new ArrayList<>();
        boolean first = true;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '.') {
                i++;
                int j = i;
                while (j < s.length() && s.charAt(j) != '.' && s.charAt(j) != '[') {
                    j++;
                }
                String key = s.substring(i, j);
                if (key.isEmpty()) {
                    throw bad(text, where);
                }
                steps.add(key.equals("*") ? ANY : key);
                i = j;
            } else if (c == '[') {
                int close = s.indexOf(']', i);
                if (close < 0) {
                    throw bad(text, where);
                }
                String in = s.substring(i + 1, close).trim();
                if (in.equals("*")) {
                    steps.add(ANY);
                } else if ((in.startsWith("\"") && in.endsWith("\"") || in.startsWith("'") && in.endsWith("'"))
                        && in.length() >= 2) {
                    steps.add(in.substring(1, in.length() - 1));
                } else {
                    try {
                        steps.add(Integer.valueOf(in));
                    } catch (NumberFormatException e) {
                        throw bad(text, where);
                    }
                }
                i = close + 1;
            } else if (first && i == 0) {
                // bare "a.b" without "$."
                s = "." + s;
            } else {
                throw bad(text, where);
            }
            first = false;
        }
        if (steps.isEmpty()) {
            throw new MaskingConfigException(where + ": path '" + text + "' selects the whole value; give the column the rule directly");
        }
        return new Path(text, List.copyOf(steps));
    }

    private static MaskingConfigException bad(String text, String where) {
        return new MaskingConfigException(where + ": cannot parse JSON path '" + text
                + "' (use $.key, $.list[*], $.list[0], $[\"odd key\"], $.*)");
    }

    /** A transformer for a whole json/jsonb value applying {@code rules} at their paths. */
    static Transformer transformer(Map<Path, Transformer> rules) {
        List<Map.Entry<Path, Transformer>> list = List.copyOf(rules.entrySet());
        return value -> {
            JsonNode root;
            try {
                root = JSON.readTree(value);
            } catch (Exception e) {
                // not valid JSON cannot come from a json column; never let the original through
                return null;
            }
            for (Map.Entry<Path, Transformer> e : list) {
                root = apply(root, e.getKey().steps(), 0, e.getValue());
            }
            try {
                return JSON.writeValueAsString(root);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static JsonNode apply(JsonNode node, List<Object> steps, int k, Transformer t) {
        if (k == steps.size()) {
            return leaf(node, t);
        }
        Object step = steps.get(k);
        if (node instanceof ObjectNode o) {
            if (step == ANY) {
                List<String> names = new ArrayList<>();
                o.fieldNames().forEachRemaining(names::add);
                for (String f : names) {
                    o.set(f, apply(o.get(f), steps, k + 1, t));
                }
            } else if (step instanceof String key && o.has(key)) {
                o.set(key, apply(o.get(key), steps, k + 1, t));
            }
        } else if (node instanceof ArrayNode a) {
            if (step == ANY) {
                for (int i = 0; i < a.size(); i++) {
                    a.set(i, apply(a.get(i), steps, k + 1, t));
                }
            } else if (step instanceof Integer idx && idx >= 0 && idx < a.size()) {
                a.set(idx, apply(a.get(idx), steps, k + 1, t));
            }
        }
        return node;
    }

    private static JsonNode leaf(JsonNode node, Transformer t) {
        if (node.isTextual()) {
            return text(t.apply(node.asText()));
        }
        if (node.isNumber()) {
            String r = t.apply(node.asText());
            if (r == null) {
                return NullNode.instance;
            }
            try {
                return DecimalNode.valueOf(new BigDecimal(r));
            } catch (NumberFormatException e) {
                return TextNode.valueOf(r);
            }
        }
        if (node.isBoolean()) {
            return text(t.apply(node.asText()));
        }
        if (node.isNull()) {
            String r = t.applyNull();
            return r == null ? node : TextNode.valueOf(r);
        }
        if (node instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                e.setValue(leaf(e.getValue(), t));
            }
            return o;
        }
        if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, leaf(a.get(i), t));
            }
            return a;
        }
        return node;
    }

    private static JsonNode text(String s) {
        return s == null ? NullNode.instance : TextNode.valueOf(s);
    }
}
