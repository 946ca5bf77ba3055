package dev.dolly.agent.masking;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A template's {@code masking:} section (see {@code host-agent/agent/docs/masking.md}):
 *
 * <pre>
 * masking:
 *   saltEnv: DOLLY_MASKING_SALT     # env var holding the salt (this is the default)
 *   gate: { sampleRows: 200, threshold: 0.3, enabled: true }
 *   tables:
 *     public.users:
 *       email: email
 *       ssn: { rule: partial, keepLast: 4 }
 *     public.audit_log: truncate
 * </pre>
 */
public final class MaskingConfig {

    public static final String DEFAULT_SALT_ENV = "DOLLY_MASKING_SALT";

    /** PII coverage gate settings. */
    public record Gate(boolean enabled, int sampleRows, double threshold) {
        public static final Gate DEFAULT = new Gate(true, 200, 0.3);
    }

    /** Rules of one table: truncated, or per-column rules (column name → rule). */
    public record TableRules(String table, boolean truncate, Map<String, Rule> columns) {}

    private final String saltEnv;
    private final String inlineSalt;
    private final Map<String, TableRules> tables;
    private final Gate gate;

    private MaskingConfig(String saltEnv, String inlineSalt, Map<String, TableRules> tables, Gate gate) {
        this.saltEnv = saltEnv;
        this.inlineSalt = inlineSalt;
        this.tables = tables;
        this.gate = gate;
    }

    public static MaskingConfig empty() {
        return new MaskingConfig(DEFAULT_SALT_ENV, null, Map.of(), Gate.DEFAULT);
    }

    /** Parse the {@code masking} node (null or missing means no rules). {@code prefix} names it in errors. */
    public static MaskingConfig parse(JsonNode node, String prefix) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return empty();
        }
        if (!node.isObject()) {
            throw new MaskingConfigException(prefix + ": expected a map with 'tables:'");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("saltEnv", "salt", "gate", "tables").contains(f)) {
                throw new MaskingConfigException(prefix + ": unknown key '" + f + "' (allowed: saltEnv, salt, gate, tables)");
            }
        }
        String saltEnv = node.hasNonNull("saltEnv") ? node.get("saltEnv").asText() : DEFAULT_SALT_ENV;
        String inline = node.hasNonNull("salt") ? node.get("salt").asText() : null;
        Gate gate = Gate.DEFAULT;
        JsonNode g = node.get("gate");
        if (g != null && !g.isNull()) {
            if (g.isBoolean()) {
                gate = new Gate(g.asBoolean(), Gate.DEFAULT.sampleRows(), Gate.DEFAULT.threshold());
            } else {
                gate = new Gate(
                        !g.has("enabled") || g.get("enabled").asBoolean(true),
                        g.has("sampleRows") ? g.get("sampleRows").asInt(200) : Gate.DEFAULT.sampleRows(),
                        g.has("threshold") ? g.get("threshold").asDouble(0.3) : Gate.DEFAULT.threshold());
                if (gate.sampleRows() < 1 || gate.sampleRows() > 100_000) {
                    throw new MaskingConfigException(prefix + ".gate.sampleRows: between 1 and 100000");
                }
                if (!(gate.threshold() > 0 && gate.threshold() <= 1)) {
                    throw new MaskingConfigException(prefix + ".gate.threshold: a fraction in (0, 1]");
                }
            }
        }
        Map<String, TableRules> tables = new LinkedHashMap<>();
        JsonNode t = node.get("tables");
        if (t != null && !t.isNull()) {
            if (!t.isObject()) {
                throw new MaskingConfigException(prefix + ".tables: expected a map of schema.table to column rules");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String table = qualify(e.getKey());
                String where = prefix + ".tables." + e.getKey();
                if (tables.containsKey(table)) {
                    throw new MaskingConfigException(where + ": table " + table + " is listed twice");
                }
                tables.put(table, parseTable(table, e.getValue(), where));
            }
        }
        return new MaskingConfig(saltEnv, inline, Collections.unmodifiableMap(tables), gate);
    }

    private static TableRules parseTable(String table, JsonNode v, String where) {
        if (v.isTextual()) {
            Rule r = Rule.parse(v, where);
            if (r.kind() != RuleKind.TRUNCATE) {
                throw new MaskingConfigException(where + ": a table takes 'truncate' or a map of column rules, not '" + v.asText() + "'");
            }
            return new TableRules(table, true, Map.of());
        }
        if (!v.isObject()) {
            throw new MaskingConfigException(where + ": expected a map of column rules or 'truncate'");
        }
        Map<String, Rule> cols = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> c = it.next();
            Rule r = Rule.parse(c.getValue(), where + "." + c.getKey());
            if (r.kind() == RuleKind.TRUNCATE) {
                throw new MaskingConfigException(where + "." + c.getKey() + ": truncate is a table rule: write '" + table + ": truncate'");
            }
            cols.put(c.getKey(), r);
        }
        return new TableRules(table, false, Collections.unmodifiableMap(cols));
    }

    /** "users" → "public.users"; "s.t" stays; double quotes allow dots inside names. */
    public static String qualify(String name) {
        String n = name.trim();
        boolean inQuote = false;
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c == '"') {
                inQuote = !inQuote;
            } else if (c == '.' && !inQuote) {
                return unquote(n.substring(0, i)) + "." + unquote(n.substring(i + 1));
            }
        }
        return "public." + unquote(n);
    }

    private static String unquote(String s) {
        String t = s.trim();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            return t.substring(1, t.length() - 1).replace("\"\"", "\"");
        }
        return t;
    }

    public Map<String, TableRules> tables() {
        return tables;
    }

    public Gate gate() {
        return gate;
    }

    public String saltEnv() {
        return saltEnv;
    }

    public boolean hasRules() {
        return !tables.isEmpty();
    }

    /** The salt: from {@code saltEnv} (default DOLLY_MASKING_SALT), else the inline {@code salt:}. */
    public String salt(Function<String, String> env) {
        String fromEnv = env.apply(saltEnv);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv;
        }
        if (inlineSalt != null && !inlineSalt.isEmpty()) {
            return inlineSalt;
        }
        throw new MaskingConfigException("no masking salt: set the environment variable " + saltEnv
                + " on the agent (a long random string; keep it the same across refreshes so masked values stay stable)");
    }

    @Override
    public String toString() {
        return "MaskingConfig[saltEnv=" + saltEnv + ", salt=" + (inlineSalt == null ? "none" : "****")
                + ", tables=" + tables.keySet() + ", gate=" + gate + "]";
    }
}
