package dev.dolly.agent.masking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.LocalDate;
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

    /**
     * Should the pipeline sample this column's values? Every type whose text can hold personal
     * data: text, json, big numbers, dates, bytea, and the types it renders as text (enums, arrays,
     * composites, hstore, xml, …). Not booleans, small numbers, uuids, timestamps, inet (judged
     * by type) or tsvector (refused by type: its text is the raw words).
     */
    public static boolean worthSampling(SourceColumn c) {
        ColumnType.Family f = c.type().family();
        return switch (f) {
            case BOOL, INT2, INT4, FLOAT, UUID, TIMESTAMP, TIMESTAMPTZ, INET -> false;
            case OTHER -> !isTsvector(c.type());
            default -> true;
        };
    }

    /** The SQL that reads a sampled column as text: bytea as escaped text (its bytes, readable), the rest cast to text. */
    public static String sampleExpression(SourceColumn c) {
        String id = "\"" + c.column().replace("\"", "\"\"") + "\"";
        if (c.type().family() == ColumnType.Family.BYTEA && !c.type().array()) {
            return "pg_catalog.encode(" + id + ", 'escape')";
        }
        return id + "::text";
    }

    static boolean isTsvector(ColumnType t) {
        String base = t.sqlType().endsWith("[]") ? t.sqlType().substring(0, t.sqlType().length() - 2) : t.sqlType();
        return t.family() == ColumnType.Family.OTHER && base.equals("tsvector");
    }

    /**
     * @param samples non-NULL sampled values (text form) per candidate; absent means not sampled
     * @param inherited columns covered without a rule of their own (e.g. a rule inherited through a foreign key)
     */
    public static List<Finding> evaluate(List<SourceColumn> candidates, Map<SourceColumn, List<String>> samples,
                                         double threshold, Set<String> inherited) {
        return evaluate(candidates, samples, threshold, inherited, Map.of());
    }

    /**
     * @param jsonListed json-ruled columns (also among the candidates) and the paths their rule lists: the gate
     *                   judges the other paths
     */
    public static List<Finding> evaluate(List<SourceColumn> candidates, Map<SourceColumn, List<String>> samples,
                                         double threshold, Set<String> inherited, Map<SourceColumn, Set<String>> jsonListed) {
        return evaluate(candidates, samples, threshold, inherited, jsonListed, LocalDate.now(Clock.systemUTC()));
    }

    static List<Finding> evaluate(List<SourceColumn> candidates, Map<SourceColumn, List<String>> samples, double threshold,
                                  Set<String> inherited, Map<SourceColumn, Set<String>> jsonListed, LocalDate today) {
        List<Finding> out = new ArrayList<>();
        for (SourceColumn c : candidates) {
            if (inherited.contains(c.qualified())) {
                continue;
            }
            List<String> values = samples.getOrDefault(c, List.of());
            Set<String> listed = jsonListed.get(c);
            Optional<Finding> f = listed != null ? checkJson(c, values, threshold, Optional.empty(), listed)
                    : check(c, values, threshold, today);
            f.ifPresent(out::add);
        }
        return out;
    }

    static Optional<Finding> check(SourceColumn c, List<String> values, double threshold) {
        return check(c, values, threshold, LocalDate.now(Clock.systemUTC()));
    }

    static Optional<Finding> check(SourceColumn c, List<String> values, double threshold, LocalDate today) {
        ColumnType t = c.type();
        if (isTsvector(t)) {
            return Optional.of(finding(c, PiiKind.LEXEMES, "type " + t.sqlType() + " copies the raw words of the text it indexes"
                    + " (if a trigger maintains it, recompute leaves it to the target's trigger)", "recompute"));
        }
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
            return checkJson(c, values, threshold, byName, Set.of());
        }
        List<String> flat = t.array() ? elements(values) : values;
        if (flat.isEmpty()) {
            return Optional.empty();
        }
        if (t.family() == ColumnType.Family.DATE) {
            return birthDates(c, flat, threshold, today);
        }
        boolean container = t.family() == ColumnType.Family.OTHER || t.family() == ColumnType.Family.BYTEA;
        if (container) {
            return checkContainer(c, flat, threshold);
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

    /**
     * Dates that look like birth dates: nearly all between 14 and 100 years back, spread over many
     * years (dates of events cluster in recent years).
     */
    private static Optional<Finding> birthDates(SourceColumn c, List<String> values, double threshold, LocalDate today) {
        int n = 0;
        int old = 0;
        Set<Integer> years = new java.util.HashSet<>();
        for (String v : values) {
            LocalDate d;
            try {
                d = LocalDate.parse(v.length() >= 10 ? v.substring(0, 10) : v);
            } catch (RuntimeException e) {
                continue;
            }
            n++;
            if (d.isAfter(today.minusYears(100)) && d.isBefore(today.minusYears(14))) {
                old++;
                years.add(d.getYear());
            }
        }
        if (n >= 5 && old >= 0.9 * n && years.size() >= Math.min(10, Math.max(3, n / 2)) && old >= threshold * n) {
            return Optional.of(finding(c, PiiKind.BIRTH_DATE, pct(old, n) + " of " + n + " sampled dates lie 14 to 100 years back, over "
                    + years.size() + " different years", PiiKind.BIRTH_DATE.suggestedRule(c.type(), c.unique())));
        }
        return Optional.empty();
    }

    /**
     * Values of types the gate reads as text but cannot mask field by field (bytea as escaped text,
     * enums, composites, hstore, xml, …): each value's parts between delimiters are judged, and
     * anything embedded in the whole. The suggestion replaces the whole value.
     */
    private static Optional<Finding> checkContainer(SourceColumn c, List<String> values, double threshold) {
        Map<PiiKind, Integer> hits = new EnumMap<>(PiiKind.class);
        for (String v : values) {
            java.util.Set<PiiKind> kinds = java.util.EnumSet.noneOf(PiiKind.class);
            for (String atom : ATOM_SPLIT.split(v)) {
                PiiDetector.whole(atom).ifPresent(kinds::add);
            }
            kinds.addAll(PiiDetector.embedded(v));
            kinds.forEach(k -> hits.merge(k, 1, Integer::sum));
        }
        int n = values.size();
        return hits.entrySet().stream().max(Map.Entry.comparingByValue())
                .filter(e -> e.getValue() >= Math.min(3, n) && e.getValue() >= threshold * n)
                .map(e -> finding(c, e.getKey(), pct(e.getValue(), n) + " of " + n + " sampled values (as text) hold "
                        + e.getKey().plural(), c.notNull() ? "{rule: sql, expr: \"<an expression without the personal parts>\"}" : "null"));
    }

    private static final java.util.regex.Pattern ATOM_SPLIT = java.util.regex.Pattern.compile(
            "\\s*(?:[(),\"<>{}\\[\\]=]|=>|\\\\[0-9]{3}|\\t|\\n)+\\s*");

    private static Optional<Finding> checkJson(SourceColumn c, List<String> values, double threshold,
                                               Optional<PiiKind> byName, Set<String> listed) {
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
            if (coveredBy(e.getKey(), listed)) {
                continue;
            }
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

    /** A sampled path ({@code $.a[*].b}) is covered by a listed path equal to it or above it ({@code $.a}, {@code $['a'][0].b}). */
    static boolean coveredBy(String path, Set<String> listed) {
        for (String l : listed) {
            String norm = l.replaceAll("\\[\\s*['\"]([A-Za-z_][A-Za-z0-9_]*)['\"]\\s*]", ".$1").replaceAll("\\[\\s*\\d+\\s*]", "[*]");
            if (path.equals(norm) || path.startsWith(norm + ".") || path.startsWith(norm + "[")) {
                return true;
            }
        }
        return false;
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
