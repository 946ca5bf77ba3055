package dev.dolly.agent.masking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The PII coverage gate: every copied column that has no rule (not even {@code keep}) is checked
 * by name and by a sample of its values; one that looks personal fails the refresh, with the rule
 * lines to add. Pure logic: the refresh pipeline picks the {@link #candidates} and samples them.
 */
public final class CoverageGate {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One column that looks personal and has no rule. */
    public record Finding(String table, String column, PiiKind kind, String evidence, String suggestion) {}

    private CoverageGate() {}

    /** Columns the gate must look at: copied, not generated, no rule, in a table that is not truncated. */
    public static List<SourceColumn> candidates(List<SourceColumn> columns, MaskingConfig config) {
        List<SourceColumn> out = new ArrayList<>();
        for (SourceColumn c : columns) {
            MaskingConfig.TableRules t = config.tables().get(c.table());
            if (c.generated() || (t != null && (t.truncate() || t.columns().containsKey(c.column())))) {
                continue;
            }
            out.add(c);
        }
        return out;
    }

    /** Should the pipeline sample this column's values? */
    public static boolean worthSampling(SourceColumn c) {
        ColumnType.Family f = c.type().family();
        return f.textLike() || f.json() || f == ColumnType.Family.INT8 || f == ColumnType.Family.NUMERIC;
    }

    /**
     * @param samples non-NULL sampled values (text form) per candidate; absent means not sampled
     * @param inherited columns covered without a rule of their own (e.g. a rule inherited through a foreign key)
     */
    public static List<Finding> evaluate(List<SourceColumn> candidates, Map<SourceColumn, List<String>> samples,
                                         double threshold, Set<String> inherited) {
        List<Finding> out = new ArrayList<>();
        for (SourceColumn c : candidates) {
            if (inherited.contains(c.qualified())) {
                continue;
            }
            check(c, samples.getOrDefault(c, List.of()), threshold).ifPresent(out::add);
        }
        return out;
    }

    public static List<Finding> evaluate(List<SourceColumn> candidates, Map<SourceColumn, List<String>> samples,
                                         double threshold, Set<String> inherited, Map<SourceColumn, Set<String>> jsonListed) {
        return evaluate(candidates, samples, threshold, inherited);
    }

    public static String sampleExpression(SourceColumn c) {
        return null;
    }

    static Optional<Finding> check(SourceColumn c, List<String> values, double threshold) {
        ColumnType t = c.type();
        Optional<PiiKind> byName = PiiDetector.byName(c.column()).filter(k -> k.fits(t));
        if (t.family() == ColumnType.Family.INET) {
            return Optional.of(finding(c, PiiKind.IP_ADDRESS, "type " + t.sqlType(), PiiKind.IP_ADDRESS.suggestedRule(t, c.unique())));
        }
        if (byName.isPresent() && !t.family().json()) {
            return Optional.of(finding(c, byName.get(), "column name",
                    byName.get().suggestedRule(t, c.unique())));
        }
        if (values.isEmpty()) {
            if (byName.isPresent()) {
                return Optional.of(finding(c, byName.get(), "column name", "{rule: json, paths: {\"$.<path>\": "
                        + byName.get().suggestedRule(ColumnType.of(ColumnType.Family.TEXT), false) + "}}"));
            }
            return Optional.empty();
        }
        if (t.family().json()) {
            return checkJson(c, values, threshold, byName);
        }
        List<String> flat = t.array() ? elements(values) : values;
        if (flat.isEmpty()) {
            return Optional.empty();
        }
        Map<PiiKind, Integer> whole = new EnumMap<>(PiiKind.class);
        Map<PiiKind, Integer> embedded = new EnumMap<>(PiiKind.class);
        for (String v : flat) {
            Optional<PiiKind> k = PiiDetector.whole(v);
            if (k.isPresent()) {
                whole.merge(k.get(), 1, Integer::sum);
            } else if (v.length() > 8) {
                for (PiiKind e : PiiDetector.embedded(v)) {
                    embedded.merge(e, 1, Integer::sum);
                }
            }
        }
        int n = flat.size();
        int need = Math.min(3, n);
        Optional<Map.Entry<PiiKind, Integer>> top = whole.entrySet().stream()
                .filter(e -> e.getKey().fits(t) || t.family().textLike())
                .max(Map.Entry.comparingByValue());
        if (top.isPresent() && top.get().getValue() >= need && top.get().getValue() >= threshold * n) {
            PiiKind k = top.get().getKey();
            return Optional.of(finding(c, k, pct(top.get().getValue(), n) + " of " + n + " sampled values are " + k.plural(),
                    k.suggestedRule(t, c.unique())));
        }
        Optional<Map.Entry<PiiKind, Integer>> emb = embedded.entrySet().stream().max(Map.Entry.comparingByValue());
        if (emb.isPresent() && emb.get().getValue() >= need && emb.get().getValue() >= threshold * n && t.family().textLike()) {
            PiiKind k = emb.get().getKey();
            return Optional.of(finding(c, k, pct(emb.get().getValue(), n) + " of " + n + " sampled values contain " + k.plural(),
                    k.embeddedRule()));
        }
        return Optional.empty();
    }

    private static Optional<Finding> checkJson(SourceColumn c, List<String> values, double threshold,
                                               Optional<PiiKind> byName) {
        // per path: how many values have a string/number there, and how many of them look personal
        Map<String, Integer> seen = new LinkedHashMap<>();
        Map<String, Map<PiiKind, Integer>> hits = new LinkedHashMap<>();
        for (String v : values) {
            JsonNode root;
            try {
                root = JSON.readTree(v);
            } catch (Exception e) {
                continue;
            }
            walk(root, "$", seen, hits);
        }
        Map<String, PiiKind> flagged = new LinkedHashMap<>();
        for (Map.Entry<String, Map<PiiKind, Integer>> e : hits.entrySet()) {
            int n = seen.get(e.getKey());
            e.getValue().entrySet().stream().max(Map.Entry.comparingByValue())
                    .filter(x -> x.getValue() >= Math.min(3, n) && x.getValue() >= threshold * n)
                    .ifPresent(x -> flagged.put(e.getKey(), x.getKey()));
        }
        if (flagged.isEmpty()) {
            if (byName.isPresent()) {
                return Optional.of(finding(c, byName.get(), "column name (no personal values found in the sample: check the JSON paths)",
                        "{rule: json, paths: {\"$.<path>\": " + byName.get().suggestedRule(ColumnType.of(ColumnType.Family.TEXT), false) + "}}"));
            }
            return Optional.empty();
        }
        StringBuilder rule = new StringBuilder("{rule: json, paths: {");
        StringBuilder evidence = new StringBuilder("sampled values hold ");
        boolean first = true;
        for (Map.Entry<String, PiiKind> e : flagged.entrySet()) {
            if (!first) {
                rule.append(", ");
                evidence.append(", ");
            }
            first = false;
            rule.append('"').append(e.getKey()).append("\": ")
                    .append(e.getValue().suggestedRule(ColumnType.of(ColumnType.Family.TEXT), false));
            evidence.append(e.getValue().plural()).append(" at ").append(e.getKey());
        }
        rule.append("}}");
        PiiKind firstKind = flagged.values().iterator().next();
        return Optional.of(finding(c, firstKind, evidence.toString(), rule.toString()));
    }

    private static void walk(JsonNode n, String path, Map<String, Integer> seen, Map<String, Map<PiiKind, Integer>> hits) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*") ? "." + e.getKey()
                        : "[\"" + e.getKey().replace("\"", "") + "\"]";
                walk(e.getValue(), path + key, seen, hits);
            }
        } else if (n.isArray()) {
            for (JsonNode x : n) {
                walk(x, path + "[*]", seen, hits);
            }
        } else if (n.isTextual() || n.isNumber()) {
            seen.merge(path, 1, Integer::sum);
            String key = path.substring(path.lastIndexOf('.') + 1).replaceAll("\\[.*", "");
            Optional<PiiKind> k = PiiDetector.whole(n.asText());
            if (k.isEmpty() && n.isTextual()) {
                k = PiiDetector.byName(key);
            }
            k.ifPresent(kind -> hits.computeIfAbsent(path, p -> new EnumMap<>(PiiKind.class)).merge(kind, 1, Integer::sum));
        }
    }

    private static List<String> elements(List<String> arrays) {
        List<String> out = new ArrayList<>();
        for (String a : arrays) {
            try {
                PgArray.map(a, v -> {
                    out.add(v);
                    return v;
                });
            } catch (RuntimeException e) {
                // not an array literal we understand: judge by name only
            }
        }
        return out;
    }

    private static String pct(int k, int n) {
        return Math.round(100.0 * k / n) + "%";
    }

    private static Finding finding(SourceColumn c, PiiKind k, String evidence, String rule) {
        return new Finding(c.table(), c.column(), k, evidence, rule);
    }

    /** The failure message: which columns, why, and the YAML to paste under {@code masking.tables}. */
    public static String message(List<Finding> findings, String template) {
        StringBuilder b = new StringBuilder();
        b.append("PII coverage gate: ").append(findings.size()).append(findings.size() == 1 ? " column looks" : " columns look")
                .append(" personal and ").append(findings.size() == 1 ? "has" : "have").append(" no masking rule. ")
                .append("Add these rules (or 'keep' to copy a column as is) under templates.")
                .append(template == null ? "<template>" : template).append(".masking.tables:\n");
        Map<String, List<Finding>> byTable = new LinkedHashMap<>();
        for (Finding f : findings) {
            byTable.computeIfAbsent(f.table(), t -> new ArrayList<>()).add(f);
        }
        for (Map.Entry<String, List<Finding>> e : byTable.entrySet()) {
            b.append("    ").append(yamlKey(e.getKey())).append(":\n");
            for (Finding f : e.getValue()) {
                String line = "      " + yamlKey(f.column()) + ": " + f.suggestion();
                b.append(line).append(" ".repeat(Math.max(1, 48 - line.length()))).append("# ")
                        .append(f.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(": ")
                        .append(f.evidence()).append('\n');
            }
        }
        return b.toString();
    }

    private static String yamlKey(String s) {
        return s.matches("[A-Za-z_][A-Za-z0-9_.]*") ? s : "\"" + s.replace("\"", "\\\"") + "\"";
    }
}
