package dev.dolly.agent.refresh;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one refresh did: the source it read, how long each phase took, rows and bytes per table,
 * the rule applied to each masked column (with how many values it changed), tables truncated,
 * large objects copied and warnings; the PostgreSQL major of the template and, for an upgrade
 * rehearsal (template newer than the source), the {@link UpgradeReport} (null otherwise). {@link #asMap()} is the job's {@code result} in the agent API.
 */
public record RefreshResult(
        Source source,
        double durationSeconds,
        Map<String, Double> phaseSeconds,
        long rows,
        long bytesCopied,
        long sourceBytes,
        long targetBytes,
        Map<String, Long> rowCounts,
        Map<String, AppliedRule> rules,
        List<String> truncated,
        long largeObjects,
        List<String> warnings,
        Map<String, Double> tableSeconds,
        Map<String, Double> slowPostDataSteps,
        int targetMajor,
        UpgradeReport upgrade) {

    /** The source as the refresh found it. */
    public record Source(String host, int port, String database, String systemIdentifier, String version) {}

    /** The rule applied to one column: {@code values} it changed (null for keep), the table it was inherited from (or null). */
    public record AppliedRule(String rule, Long values, String inheritedFrom) {}

    /** Tables in the template (copied and truncated). */
    public int tables() {
        return rowCounts.size();
    }

    /** Collects the result from the pipeline's parts: sorted by table name, slowest tables and post-data steps first. */
    static RefreshResult of(RefreshPipeline.Inputs in, SourceGuard.SourceFacts facts, MaskPlan plan, List<DataCopier.TableResult> results,
                            Map<String, Double> phases, long sourceBytes, long targetBytes, long los, List<String> warnings,
                            double seconds, Map<String, Double> slowSteps, UpgradeReport upgrade) {
        long rows = 0;
        long bytes = 0;
        Map<String, Long> rowCounts = new LinkedHashMap<>();
        Map<String, DataCopier.TableResult> byTable = new HashMap<>();
        for (DataCopier.TableResult t : results) {
            rows += t.rows();
            bytes += t.bytes();
            byTable.put(t.table(), t);
        }
        List<String> truncated = new ArrayList<>();
        Map<String, AppliedRule> rules = new LinkedHashMap<>();
        for (MaskPlan.TablePlan p : plan.tables().stream().sorted(Comparator.comparing(MaskPlan.TablePlan::name)).toList()) {
            if (p.truncate()) {
                truncated.add(p.name());
                rowCounts.put(p.name(), 0L);
                continue;
            }
            DataCopier.TableResult t = byTable.get(p.name());
            rowCounts.put(p.name(), t == null ? 0L : t.rows());
            for (Map.Entry<String, String> e : p.rules().entrySet()) {
                String col = p.name() + "." + e.getKey();
                Long values = null;
                if (t != null && t.masked().containsKey(e.getKey())) {
                    values = t.masked().get(e.getKey());
                } else if (t != null && !e.getValue().equals("keep")) {
                    values = t.rows();
                }
                String from = plan.inherited().get(col);
                if (from == null) {
                    from = plan.inherited().get(p.table().root() + "." + e.getKey());
                }
                rules.put(col, new AppliedRule(e.getValue(), values, from));
            }
        }
        Map<String, Double> tableSeconds = new LinkedHashMap<>();
        results.stream().sorted((x, y) -> Double.compare(y.seconds(), x.seconds()))
                .forEach(t -> tableSeconds.put(t.table(), Math.round(t.seconds() * 100) / 100.0));
        Map<String, Double> slow = new LinkedHashMap<>();
        slowSteps.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
                .forEach(e -> slow.put(e.getKey(), e.getValue()));
        Source source = new Source(in.source().host(), in.source().port(), in.source().database(), facts.systemIdentifier(),
                facts.version());
        return new RefreshResult(source, seconds, phases, rows, bytes, sourceBytes, targetBytes, rowCounts, rules, truncated, los,
                warnings, tableSeconds, slow, in.targetMajor() != null ? in.targetMajor() : facts.major(), upgrade);
    }

    /** The job result of the agent API, key for key as it always was. */
    public Map<String, Object> asMap() {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> src = new LinkedHashMap<>();
        src.put("host", source.host());
        src.put("port", source.port());
        src.put("database", source.database());
        src.put("systemIdentifier", source.systemIdentifier());
        src.put("version", source.version());
        r.put("source", src);
        r.put("postgres", targetMajor);
        if (upgrade != null) {
            r.put("upgrade", upgrade.asMap());
        }
        r.put("durationSeconds", durationSeconds);
        r.put("phaseSeconds", phaseSeconds);
        r.put("tables", tables());
        r.put("rows", rows);
        r.put("bytesCopied", bytesCopied);
        r.put("sourceBytes", sourceBytes);
        r.put("targetBytes", targetBytes);
        r.put("rowCounts", rowCounts);
        Map<String, Object> ruleMaps = new LinkedHashMap<>();
        rules.forEach((col, a) -> {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("rule", a.rule());
            if (a.values() != null) {
                rule.put("values", a.values());
            }
            if (a.inheritedFrom() != null) {
                rule.put("inheritedFrom", a.inheritedFrom());
            }
            ruleMaps.put(col, rule);
        });
        r.put("rules", ruleMaps);
        r.put("truncated", truncated);
        r.put("largeObjects", largeObjects);
        r.put("warnings", warnings);
        r.put("tableSeconds", tableSeconds);
        r.put("slowPostDataSteps", slowPostDataSteps);
        return r;
    }
}
