package dev.dolly.agent.refresh;

import dev.dolly.agent.masking.MaskingConfig;
import dev.dolly.agent.masking.MaskingConfigException;
import dev.dolly.agent.masking.Prf;
import dev.dolly.agent.masking.Rule;
import dev.dolly.agent.masking.RuleKind;
import dev.dolly.agent.masking.SourceColumn;
import dev.dolly.agent.masking.Transformer;
import dev.dolly.agent.masking.Transformers;
import dev.dolly.config.Suggestions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The masking rules bound to the source catalog: for every table with rows, what to read
 * ({@code COPY … TO STDOUT}, with sql rules evaluated in the query), what to write
 * ({@code COPY … FROM STDIN (FREEZE)}) and which transformer masks which field.
 *
 * <p>Binding checks everything that can be checked before a row moves: every ruled table and
 * column exists, every rule fits its column's type, NOT NULL columns are not nulled, unique
 * columns get rules that keep them unique. Rules on a partitioned table apply to its partitions.
 * Rules follow foreign keys: a column referencing a masked column, with no rule of its own,
 * inherits that rule (with the same uniqueness), so the masked values still join; a different
 * rule there is an error.
 */
public final class MaskPlan {

    /** What happens to one table with rows. */
    public record TablePlan(Catalog.Table table, boolean truncate, List<String> columns, String copyOut, String copyIn,
                            Map<Integer, Transformer> transformers, Map<String, String> rules) {
        public String name() {
            return table.qualified();
        }
    }

    /** Rules that would collapse distinct values, refused on unique columns. */
    private static final Set<RuleKind> COLLAPSING = EnumSet.of(RuleKind.CONSTANT, RuleKind.PARTIAL, RuleKind.DATE_SHIFT,
            RuleKind.NOISE, RuleKind.REGEX);

    private final List<TablePlan> tables;
    private final Map<String, String> inherited;
    private final List<SourceColumn> unruled;

    private final Map<SourceColumn, Set<String>> jsonRuled;
    private final Map<String, List<String>> recompute;

    private MaskPlan(List<TablePlan> tables, Map<String, String> inherited, List<SourceColumn> unruled,
                     Map<SourceColumn, Set<String>> jsonRuled, Map<String, List<String>> recompute) {
        this.tables = tables;
        this.inherited = inherited;
        this.unruled = unruled;
        this.jsonRuled = jsonRuled;
        this.recompute = recompute;
    }

    /** Columns under a json rule (tables are partition roots) and the paths the rule lists: the gate judges the other paths. */
    public Map<SourceColumn, Set<String>> jsonRuled() {
        return jsonRuled;
    }

    /** Columns with rule recompute, per (leaf) table: not copied, left to the target's triggers after post-data. */
    public Map<String, List<String>> recompute() {
        return recompute;
    }

    /** Tables with rows, largest first (the order workers take them). */
    public List<TablePlan> tables() {
        return tables;
    }

    /** Columns that inherited a rule through a foreign key: {@code schema.table.column} → where from. */
    public Map<String, String> inherited() {
        return inherited;
    }

    /** Copied columns with no rule at all (not even keep): what the PII gate must judge. Tables are partition roots. */
    public List<SourceColumn> unruled() {
        return unruled;
    }

    /**
     * @param prf the keyed PRF (from the salt), asked for only when a rule needs it, after the
     *            tables and columns were checked
     */
    public static MaskPlan build(Catalog cat, MaskingConfig cfg, java.util.function.Supplier<Prf> prf) {
        // rules keyed by the table named in the config (a root, a plain table or a single partition)
        Map<String, Map<String, Rule>> rules = new LinkedHashMap<>();
        Set<String> truncated = new HashSet<>();
        for (MaskingConfig.TableRules tr : cfg.tables().values()) {
            Catalog.Table t = cat.table(tr.table());
            if (t == null) {
                throw new MaskingConfigException("masking.tables." + tr.table() + ": no such table in the source"
                        + suggest(tr.table(), cat.tables().stream().map(Catalog.Table::qualified).toList()));
            }
            if (tr.truncate()) {
                truncated.add(t.qualified());
            }
            for (Map.Entry<String, Rule> e : tr.columns().entrySet()) {
                Catalog.Column c = t.column(e.getKey());
                if (c == null) {
                    throw new MaskingConfigException(e.getValue().where() + ": table " + t.qualified() + " has no column '"
                            + e.getKey() + "'" + suggest(e.getKey(), t.columns().stream().map(Catalog.Column::name).toList()));
                }
                if (c.generated() && e.getValue().kind() != RuleKind.RECOMPUTE) {   // recompute: what the target does anyway
                    throw new MaskingConfigException(e.getValue().where() + ": " + t.qualified() + "." + c.name()
                            + " is a generated column: it is recomputed from the (masked) columns it depends on; remove this rule");
                }
            }
            rules.put(t.qualified(), new LinkedHashMap<>(tr.columns()));
        }

        // rules follow foreign keys (to a fixpoint, for chains)
        Map<String, String> inherited = new LinkedHashMap<>();
        Map<String, Boolean> uniqueOverride = new HashMap<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Catalog.ForeignKey fk : cat.foreignKeys()) {
                if (isTruncated(cat, fk.refTable(), truncated) && !isTruncated(cat, fk.table(), truncated)) {
                    throw new MaskingConfigException("masking.tables." + rootOf(cat, fk.refTable()) + ": is truncated, but "
                            + fk.table() + " references it (foreign key " + fk.name() + "); truncate " + fk.table() + " too");
                }
                for (int i = 0; i < fk.columns().size(); i++) {
                    String col = fk.columns().get(i);
                    String refCol = fk.refColumns().get(i);
                    Rule ref = effective(cat, rules, fk.refTable(), refCol);
                    if (ref == null || ref.kind() == RuleKind.KEEP) {
                        continue;
                    }
                    Rule own = effective(cat, rules, fk.table(), col);
                    String here = fk.table() + "." + col;
                    String there = fk.refTable() + "." + refCol;
                    if (ref.kind() == RuleKind.SQL && own == null) {
                        throw new MaskingConfigException(ref.where() + ": " + here + " references " + there
                                + " (foreign key " + fk.name() + "), whose sql rule is per table: give " + here + " a matching rule");
                    }
                    if (own == null) {
                        rules.computeIfAbsent(fk.table(), k -> new LinkedHashMap<>())
                                .put(col, ref.at("masking.tables." + fk.table() + "." + col + " (inherited from " + there + ")"));
                        inherited.put(here, there);
                        uniqueOverride.put(here, isUnique(cat, fk.refTable(), refCol, uniqueOverride));
                        changed = true;
                    } else if (own.sameEffect(ref)) {
                        // same rule on both ends: the referencing side must also use the referenced side's uniqueness
                        Boolean u = isUnique(cat, fk.refTable(), refCol, uniqueOverride);
                        if (u && !Boolean.TRUE.equals(uniqueOverride.put(here, true))) {
                            changed = true;
                        }
                    } else if (!inherited.containsKey(here)) {
                        throw new MaskingConfigException(own.where() + ": " + here + " references " + there + " (foreign key "
                                + fk.name() + ") but has rule " + own.yaml() + " while " + there + " has " + ref.yaml()
                                + ": give both the same rule so the masked values still join");
                    }
                }
            }
        }

        List<TablePlan> plans = new ArrayList<>();
        Map<String, SourceColumn> unruled = new LinkedHashMap<>();
        Map<SourceColumn, Set<String>> jsonRuled = new LinkedHashMap<>();
        Map<String, List<String>> recompute = new LinkedHashMap<>();
        for (Catalog.Table t : cat.dataTables()) {
            boolean trunc = truncated.contains(t.qualified()) || truncated.contains(t.root());
            List<String> cols = new ArrayList<>();
            List<String> select = new ArrayList<>();
            boolean sql = false;
            Map<Integer, Transformer> transformers = new LinkedHashMap<>();
            Map<String, String> applied = new LinkedHashMap<>();
            for (Catalog.Column c : t.columns()) {
                if (c.generated()) {
                    continue;
                }
                Rule r = effective(cat, rules, t.qualified(), c.name());
                if (r != null && r.kind() == RuleKind.RECOMPUTE) {
                    // not copied: the target's trigger fills it after post-data (see RefreshPipeline)
                    applied.put(c.name(), r.yaml());
                    if (!trunc) {
                        recompute.computeIfAbsent(t.qualified(), k -> new ArrayList<>()).add(c.name());
                    }
                    continue;
                }
                int idx = cols.size();
                cols.add(c.name());
                String id = SqlScript.ident(c.name());
                if (r == null) {
                    select.add(id);
                    if (!trunc) {
                        unruled.putIfAbsent(t.root() + "." + c.name(), new SourceColumn(t.root(), c.name(), c.type(),
                                t.uniqueColumns().contains(c.name()), c.notNull(), false));
                    }
                    continue;
                }
                applied.put(c.name(), r.yaml());
                if (r.kind() == RuleKind.KEEP) {
                    select.add(id);
                    continue;
                }
                boolean unique = isUnique(cat, t.qualified(), c.name(), uniqueOverride)
                        || uniqueOverride.getOrDefault(t.root() + "." + c.name(), false);
                if (r.kind() == RuleKind.NULL && c.notNull()) {
                    throw new MaskingConfigException(r.where() + ": " + t.qualified() + "." + c.name()
                            + " is NOT NULL; use constant or another rule instead of null");
                }
                if (unique && COLLAPSING.contains(r.kind())) {
                    throw new MaskingConfigException(r.where() + ": " + t.qualified() + "." + c.name() + " is unique, and rule "
                            + r.kind().yamlName() + " would create duplicates; use hash (a keyed hash, or a keyed permutation for"
                            + " integers) or email/name/phone/address (they add a uniqueness token on unique columns)");
                }
                if (r.kind() == RuleKind.SQL) {
                    String expr = r.text("expr", null);
                    if (expr == null || expr.isBlank()) {
                        throw new MaskingConfigException(r.where() + ": sql needs 'expr:', an SQL expression over the table's columns");
                    }
                    if (SqlScript.statements("SELECT (" + expr + ")").size() != 1 || !balanced(expr)) {
                        throw new MaskingConfigException(r.where() + ".expr: one SQL expression, without ';' or unbalanced parentheses");
                    }
                    select.add("(" + expr + ")::" + c.type().sqlType() + " AS " + id);
                    sql = true;
                    continue;
                }
                select.add(id);
                transformers.put(idx, Transformers.create(r, c.type(), unique, prf.get()));
                if (r.kind() == RuleKind.JSON && !trunc) {
                    Set<String> paths = new java.util.LinkedHashSet<>();
                    r.params().get("paths").fieldNames().forEachRemaining(paths::add);
                    jsonRuled.putIfAbsent(new SourceColumn(t.root(), c.name(), c.type(), t.uniqueColumns().contains(c.name()),
                            c.notNull(), false), paths);
                }
            }
            String q = SqlScript.qualified(t.schema(), t.name());
            String list = cols.isEmpty() ? "" : " (" + String.join(", ", cols.stream().map(SqlScript::ident).toList()) + ")";
            String out = sql
                    ? "COPY (SELECT " + String.join(", ", select) + " FROM ONLY " + q + ") TO STDOUT"
                    : "COPY " + q + list + " TO STDOUT";
            String in = "COPY " + q + list + " FROM STDIN WITH (FREEZE)";
            plans.add(new TablePlan(t, trunc, List.copyOf(cols), out, in, transformers, applied));
        }
        plans.sort(Comparator.comparingLong((TablePlan p) -> p.table().bytes()).reversed());
        return new MaskPlan(List.copyOf(plans), inherited, List.copyOf(unruled.values()), jsonRuled, recompute);
    }

    /** Parentheses balance outside quotes (an expression cannot close the COPY query's SELECT early). */
    static boolean balanced(String expr) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth < 0) {
                return false;
            }
        }
        return depth == 0 && quote == 0;
    }

    private static boolean isTruncated(Catalog cat, String table, Set<String> truncated) {
        return truncated.contains(table) || truncated.contains(rootOf(cat, table));
    }

    private static String rootOf(Catalog cat, String table) {
        Catalog.Table t = cat.table(table);
        return t == null ? table : t.root();
    }

    /** A table's rule for a column: its own, else its partition root's. */
    private static Rule effective(Catalog cat, Map<String, Map<String, Rule>> rules, String table, String column) {
        Map<String, Rule> own = rules.get(table);
        if (own != null && own.containsKey(column)) {
            return own.get(column);
        }
        String root = rootOf(cat, table);
        if (!root.equals(table)) {
            Map<String, Rule> r = rules.get(root);
            if (r != null) {
                return r.get(column);
            }
        }
        return null;
    }

    private static boolean isUnique(Catalog cat, String table, String column, Map<String, Boolean> override) {
        Boolean o = override.get(table + "." + column);
        if (Boolean.TRUE.equals(o)) {
            return true;
        }
        Catalog.Table t = cat.table(table);
        if (t == null) {
            return false;
        }
        if (t.uniqueColumns().contains(column)) {
            return true;
        }
        Catalog.Table root = cat.table(t.root());
        return root != null && root.uniqueColumns().contains(column);
    }

    private static String suggest(String wrong, List<String> known) {
        return Suggestions.closest(wrong, known).map(k -> " (did you mean " + k + "?)").orElse("");
    }
}
