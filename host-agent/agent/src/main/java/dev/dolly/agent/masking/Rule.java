package dev.dolly.agent.masking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * One masking rule as written in the template: a kind and its parameters. {@code where} is the
 * YAML path it came from, used in every error message.
 *
 * <p>YAML forms: a bare name ({@code email}) or a map with {@code rule:} and parameters
 * ({@code {rule: partial, keepLast: 4}}).
 */
public record Rule(RuleKind kind, ObjectNode params, String where) {

    private static final Map<RuleKind, Set<String>> PARAMS = Map.ofEntries(
            Map.entry(RuleKind.KEEP, Set.of()),
            Map.entry(RuleKind.NULL, Set.of()),
            Map.entry(RuleKind.CONSTANT, Set.of("value", "replaceNull")),
            Map.entry(RuleKind.HASH, Set.of("length")),
            Map.entry(RuleKind.EMAIL, Set.of("domain", "keepDomain", "unique")),
            Map.entry(RuleKind.NAME, Set.of("part", "unique")),
            Map.entry(RuleKind.PHONE, Set.of("keepFirst", "unique")),
            Map.entry(RuleKind.ADDRESS, Set.of("part", "unique")),
            Map.entry(RuleKind.PARTIAL, Set.of("keepFirst", "keepLast", "mask")),
            Map.entry(RuleKind.DATE_SHIFT, Set.of("days")),
            Map.entry(RuleKind.NOISE, Set.of("percent", "amount")),
            Map.entry(RuleKind.REGEX, Set.of("pattern", "replace")),
            Map.entry(RuleKind.SQL, Set.of("expr")),
            Map.entry(RuleKind.JSON, Set.of("paths")),
            Map.entry(RuleKind.RECOMPUTE, Set.of()),
            Map.entry(RuleKind.TRUNCATE, Set.of()));

    public static Rule of(RuleKind kind) {
        return new Rule(kind, JsonNodeFactory.instance.objectNode(), kind.yamlName());
    }

    /** Parse a rule node (text or map) found at {@code where}. */
    public static Rule parse(JsonNode node, String where) {
        if (node == null || node.isMissingNode()) {
            throw new MaskingConfigException(where + ": empty rule (known rules: " + RuleKind.known() + ")");
        }
        if (node.isNull()) {
            // YAML reads `col: null` (and `col: ~`) as a null node: that is the null rule
            return new Rule(RuleKind.NULL, JsonNodeFactory.instance.objectNode(), where);
        }
        if (node.isTextual()) {
            RuleKind kind = kindOf(node.asText(), where);
            return new Rule(kind, JsonNodeFactory.instance.objectNode(), where);
        }
        if (!node.isObject()) {
            throw new MaskingConfigException(where + ": a rule is a name (email) or a map ({rule: partial, keepLast: 4})");
        }
        JsonNode r = node.get("rule");
        if (r == null || !r.isTextual()) {
            throw new MaskingConfigException(where + ": missing 'rule:' (known rules: " + RuleKind.known() + ")");
        }
        RuleKind kind = kindOf(r.asText(), where);
        ObjectNode params = ((ObjectNode) node).deepCopy();
        params.remove("rule");
        Set<String> allowed = PARAMS.get(kind);
        for (Iterator<String> it = params.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new MaskingConfigException(where + ": rule " + kind.yamlName() + " has no parameter '" + f
                        + "'" + (allowed.isEmpty() ? "" : " (allowed: " + String.join(", ", allowed) + ")"));
            }
        }
        return new Rule(kind, params, where);
    }

    private static RuleKind kindOf(String name, String where) {
        return RuleKind.parse(name).orElseThrow(() -> new MaskingConfigException(
                where + ": unknown rule '" + name + "' (known rules: " + RuleKind.known() + ")"));
    }

    public String text(String param, String dflt) {
        JsonNode n = params.get(param);
        return n == null || n.isNull() ? dflt : n.asText();
    }

    public int integer(String param, int dflt, int min, int max) {
        JsonNode n = params.get(param);
        if (n == null || n.isNull()) {
            return dflt;
        }
        int v;
        if (n.isIntegralNumber() && n.canConvertToInt()) {
            v = n.asInt();
        } else if (n.isTextual()) {
            v = parseInt(n.asText(), param);
        } else {
            throw new MaskingConfigException(where + "." + param + ": expected an integer, got " + n);
        }
        if (v < min || v > max) {
            throw new MaskingConfigException(where + "." + param + ": must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    private int parseInt(String s, String param) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new MaskingConfigException(where + "." + param + ": expected an integer, got '" + s + "'");
        }
    }

    public double number(String param, double dflt) {
        JsonNode n = params.get(param);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        try {
            return Double.parseDouble(n.asText().trim());
        } catch (NumberFormatException e) {
            throw new MaskingConfigException(where + "." + param + ": expected a number, got " + n);
        }
    }

    public boolean has(String param) {
        return params.hasNonNull(param);
    }

    public Boolean bool(String param) {
        JsonNode n = params.get(param);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        String s = n.asText().trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("true") || s.equals("yes") || s.equals("on")) {
            return true;
        }
        if (s.equals("false") || s.equals("no") || s.equals("off")) {
            return false;
        }
        throw new MaskingConfigException(where + "." + param + ": expected true or false, got " + n);
    }

    /** Same rule, reported at another place (inherited through a foreign key). */
    public Rule at(String otherWhere) {
        return new Rule(kind, params, otherWhere);
    }

    /** The rule as one line of YAML flow style, for results and gate suggestions. */
    public String yaml() {
        if (params.isEmpty()) {
            return kind.yamlName();
        }
        StringBuilder b = new StringBuilder("{rule: ").append(kind.yamlName());
        params.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            String text = v.isTextual() && v.asText().matches("[A-Za-z0-9_.@-]+") ? v.asText() : v.toString();
            b.append(", ").append(e.getKey()).append(": ").append(text);
        });
        return b.append('}').toString();
    }

    /** Two rules give the same output for the same input (needed where values must keep joining). */
    public boolean sameEffect(Rule o) {
        return kind == o.kind && params.equals(o.params);
    }
}
