package dev.dolly.functions.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.dolly.agent.AgentGauges;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.metrics.Metrics;
import dev.dolly.agent.ports.PortPool;
import dev.dolly.agent.refresh.RefreshJobs;
import dev.dolly.functions.Harness;
import dev.dolly.functions.metrics.ControlPlaneGauges;
import dev.dolly.functions.metrics.MicrometerControlMeters;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus alert rules and the Grafana dashboard in ops/ name only series the code exports: the agent's
 * {@link Metrics} with its {@link AgentGauges}, the control plane's meters, gauges and resilience4j binders, and the
 * JVM meters both have. Each rule has a severity, a summary and a description.
 */
class OpsRulesTest {
    private static final Path OPS = Path.of(System.getProperty("dolly.root", "../..")).resolve("ops");
    /** PromQL words that are not series: functions, aggregations, keywords. */
    private static final Set<String> PROMQL = Set.of("sum", "min", "max", "avg", "count", "topk", "bottomk", "rate", "irate", "increase",
            "histogram_quantile", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "abs",
            "clamp_min", "clamp_max", "time", "vector", "scalar", "absent", "offset");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> exported = new TreeSet<>();
    /** The label names each exported series carries (in the scrapes above). */
    private static final Map<String, Set<String>> labels = new java.util.TreeMap<>();
    private static final Pattern LABEL = Pattern.compile("[{,]([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    @BeforeAll
    static void exportedSeries() {
        Metrics agent = new Metrics();
        AgentGauges gauges = new AgentGauges(null, null, null, null, null, new RefreshJobs(null, null, null, Clock.systemUTC(), agent),
                Clock.systemUTC());
        gauges.bindTo(agent, new PortPool(21000, 21009));
        gauges.bindHealth(agent, java.util.List::of);
        agent.cloneOperation("create", "ok", 1);
        agent.cloneFailed("create", ErrorCode.POOL_FULL, 1);
        agent.refresh("shop", "succeeded", 1);
        agent.signatureFailure("missing");
        agent.httpRequest("GET", "/v1/clones", 200, 1);
        names(agent.render());
        agent.declaredGauges().forEach((g, tags) -> {
            exported.add(g.replace('.', '_'));
            labels.computeIfAbsent(g.replace('.', '_'), k -> new TreeSet<>()).addAll(tags);
        });
        agent.close();

        PrometheusMeterRegistry control = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(control);
        new ProcessorMetrics().bindTo(control);
        try (Harness h = new Harness(Harness.yaml("hosts:\n  - { name: h1, url: \"http://127.0.0.1:9\", secret: ops-test-agent-secret-0123456789 }\n"))) {
            MicrometerControlMeters m = new MicrometerControlMeters(control);
            m.command("create", "slack", "ok", 1);
            m.denied("create", "ci");
            m.signatureFailure("ci");
            new ControlPlaneGauges(h.config, h.store, h.clock).bindTo(control);
            TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(h.agents.breakers()).bindTo(control);
            TaggedRetryMetrics.ofRetryRegistry(h.agents.retries()).bindTo(control);
            TaggedBulkheadMetrics.ofBulkheadRegistry(h.agents.bulkheads()).bindTo(control);
            names(control.scrape());
        }
        exported.add("up"); // Prometheus's own, per scrape target
    }

    private static void names(String scrape) {
        scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> {
            String name = l.split("[{ ]", 2)[0];
            exported.add(name);
            Matcher m = LABEL.matcher(l.substring(name.length()));
            while (m.find()) labels.computeIfAbsent(name, k -> new TreeSet<>()).add(m.group(1));
        });
    }

    /** The series an expression names: identifiers outside label matchers, grouping clauses and strings, not PromQL words. */
    static Set<String> series(String expr) {
        String e = expr.replaceAll("\"[^\"]*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\$[a-zA-Z_]+", " ");
        Set<String> out = new TreeSet<>();
        Matcher m = IDENT.matcher(e);
        while (m.find()) {
            String id = m.group();
            boolean number = m.start() > 0 && Character.isDigit(e.charAt(m.start() - 1));
            if (!PROMQL.contains(id) && !number && !e.substring(m.end()).stripLeading().startsWith("(")) {
                out.add(id);
            }
        }
        return out;
    }

    private static JsonNode alertRules() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(Files.readString(OPS.resolve("prometheus/alerts.yml")));
    }

    private static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(Files.readString(OPS.resolve("grafana/dolly.json")));
    }

    @Test
    void theSeriesFinderSeesMetricsOnly() {
        assertThat(series("histogram_quantile(0.95, sum by (le, verb) (rate(dolly_commands_seconds_bucket{outcome=\"ok\"}[15m]))) > 5"))
                .containsExactly("dolly_commands_seconds_bucket");
        assertThat(series("(dolly_spares_target > 0) and on (instance, template) (dolly_spares_ready == 0)"))
                .containsExactly("dolly_spares_ready", "dolly_spares_target");
        assertThat(series("dolly_pool_free_bytes < 2 * dolly_pool_reserve_bytes")).containsExactly("dolly_pool_free_bytes", "dolly_pool_reserve_bytes");
        assertThat(exported).contains("dolly_clone_operation_seconds_bucket", "dolly_pool_free_bytes", "dolly_commands_seconds_count",
                "dolly_agent_heartbeat_age_seconds", "resilience4j_circuitbreaker_state", "jvm_memory_used_bytes")
                .doesNotContain("dolly_no_such_series");
    }

    @Test
    void everyAlertRuleNamesExportedSeriesAndSaysWhatToDo() throws IOException {
        JsonNode rules = alertRules();
        List<String> problems = new ArrayList<>();
        int n = 0;
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                n++;
                String name = rule.path("alert").asText();
                for (String s : series(rule.path("expr").asText())) {
                    if (!exported.contains(s)) problems.add(name + ": " + s + " is not exported");
                }
                if (!Set.of("page", "ticket").contains(rule.at("/labels/severity").asText())) problems.add(name + ": no severity");
                if (rule.at("/annotations/summary").asText().isBlank() || rule.at("/annotations/description").asText().isBlank()) {
                    problems.add(name + ": no summary or description");
                }
            }
        }
        assertThat(n).isGreaterThanOrEqualTo(15);
        assertThat(problems).isEmpty();
    }

    @Test
    void everyDashboardQueryNamesExportedSeries() throws IOException {
        JsonNode dash = dashboard();
        List<String> problems = new ArrayList<>();
        int n = 0;
        for (JsonNode panel : dash.get("panels")) {
            for (JsonNode t : panel.path("targets")) {
                n++;
                for (String s : series(t.path("expr").asText())) {
                    if (!exported.contains(s)) problems.add(panel.path("title").asText() + ": " + s + " is not exported");
                }
            }
        }
        assertThat(n).isGreaterThanOrEqualTo(20);
        assertThat(problems).isEmpty();
        assertThat(dash.get("uid").asText()).isEqualTo("dolly");
    }

    /** What an alert watches is on the dashboard too: whoever an alert pages finds the series' history there. */
    @Test
    void everyAlertedSeriesHasADashboardPanel() throws IOException {
        JsonNode rules = alertRules();
        JsonNode dash = dashboard();
        Set<String> shown = new TreeSet<>();
        for (JsonNode panel : dash.get("panels")) {
            for (JsonNode t : panel.path("targets")) {
                shown.addAll(series(t.path("expr").asText()));
            }
        }
        List<String> missing = new ArrayList<>();
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                for (String s : series(rule.path("expr").asText())) {
                    if (!s.equals("up") && !shown.contains(s)) { // up: Prometheus's own, one per scrape target
                        missing.add(rule.path("alert").asText() + ": " + s + " is on no panel");
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    /**
     * The host's CloudWatch agent config (infra: the CDK app's bootstrap installs it) selects only series the agent
     * exports, each by its exact name, with dimensions that are labels of that series (or the scrape's host label).
     */
    @Test
    void everySeriesTheCloudWatchAgentSelectsIsExportedWithItsDimensions() throws IOException {
        Path config = OPS.resolveSibling("infra/src/main/resources/dev/dolly/infra/host/cloudwatch-agent.json");
        JsonNode decls = new ObjectMapper().readTree(Files.readString(config))
                .at("/logs/metrics_collected/prometheus/emf_processor/metric_declaration");
        List<String> problems = new ArrayList<>();
        int n = 0;
        for (JsonNode d : decls) {
            for (JsonNode selector : d.get("metric_selectors")) {
                n++;
                Pattern p = Pattern.compile(selector.asText());
                List<String> matched = exported.stream().filter(s -> p.matcher(s).find()).toList();
                if (matched.size() != 1 || !matched.get(0).startsWith("dolly_")) {
                    problems.add(selector.asText() + " selects " + matched);
                    continue;
                }
                for (JsonNode set : d.get("dimensions")) {
                    for (JsonNode dim : set) {
                        if (!dim.asText().equals("host") && !labels.getOrDefault(matched.get(0), Set.of()).contains(dim.asText())) {
                            problems.add(matched.get(0) + " has no label " + dim.asText() + " (labels " + labels.get(matched.get(0)) + ")");
                        }
                    }
                }
            }
        }
        assertThat(n).isGreaterThanOrEqualTo(15);
        assertThat(problems).isEmpty();
    }

    @Test
    void theScrapeConfigNamesTheJobsTheRulesUse() throws IOException {
        JsonNode p = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(OPS.resolve("prometheus/prometheus.yml")));
        List<String> jobs = new ArrayList<>();
        p.get("scrape_configs").forEach(j -> jobs.add(j.get("job_name").asText()));
        assertThat(jobs).containsExactly("dolly-agent", "dolly-functions");
        assertThat(Map.of("rules", p.get("rule_files").get(0).asText())).containsEntry("rules", "alerts.yml");
    }
}
