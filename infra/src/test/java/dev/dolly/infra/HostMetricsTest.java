package dev.dolly.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/**
 * The host's CloudWatch agent publishes the agent's series the dashboard and alarms use: every alarm and dashboard
 * metric in {@value HostMetrics#NAMESPACE} is one host/cloudwatch-agent.json selects, with a dimension set it
 * declares; the scrape reaches the agent on its port with the host label; the host role may write only that log.
 * (That the config selects only series the agent exports is OpsRulesTest's, in the functions module, which knows
 * both servers' meters.)
 */
class HostMetricsTest {
    private final Template template = Synth.standard();
    private final Map<String, Object> json = Synth.standardJson();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One metric_declaration: its selectors and dimension sets. */
    record Declaration(List<Pattern> selectors, List<Set<String>> dimensions, String labelMatcher) {
        boolean selects(String name) {
            return selectors.stream().anyMatch(p -> p.matcher(name).find());
        }
    }

    static JsonNode agentConfig() throws IOException {
        try (InputStream in = ZfsHost.class.getResourceAsStream(HostMetrics.AGENT_CONFIG)) {
            return MAPPER.readTree(in);
        }
    }

    static List<Declaration> declarations() throws IOException {
        JsonNode emf = agentConfig().at("/logs/metrics_collected/prometheus/emf_processor");
        assertThat(emf.path("metric_namespace").asText()).isEqualTo(HostMetrics.NAMESPACE);
        List<Declaration> out = new ArrayList<>();
        for (JsonNode d : emf.path("metric_declaration")) {
            List<Pattern> selectors = new ArrayList<>();
            d.path("metric_selectors").forEach(s -> selectors.add(Pattern.compile(s.asText())));
            List<Set<String>> dims = new ArrayList<>();
            for (JsonNode set : d.path("dimensions")) {
                Set<String> names = new TreeSet<>();
                set.forEach(n -> names.add(n.asText()));
                dims.add(names);
            }
            assertThat(d.path("source_labels").toString()).isEqualTo("[\"job\"]");
            out.add(new Declaration(selectors, dims, d.path("label_matcher").asText()));
        }
        return out;
    }

    /** Whether {@code name} with exactly the dimension names {@code dims} is published. */
    static boolean published(List<Declaration> decls, String name, Set<String> dims) {
        return decls.stream().anyMatch(d -> d.selects(name) && d.dimensions().contains(dims));
    }

    @Test
    void everyDeclarationKeepsTheHostDimensionAndMatchesTheScrapeJob() throws IOException {
        JsonNode scrape = new ObjectMapper(new YAMLFactory()).readTree(ZfsHost.class.getResourceAsStream(HostMetrics.SCRAPE_CONFIG));
        JsonNode job = scrape.get("scrape_configs").get(0);
        assertThat(scrape.get("scrape_configs")).hasSize(1);
        assertThat(job.get("metrics_path").asText()).isEqualTo("/metrics");
        assertThat(job.at("/static_configs/0/targets/0").asText()).isEqualTo("127.0.0.1:@@AGENT_PORT@@");
        assertThat(job.at("/static_configs/0/labels/" + HostMetrics.HOST).asText()).isEqualTo("@@HOST_ID@@");
        List<Declaration> decls = declarations();
        assertThat(decls).isNotEmpty();
        for (Declaration d : decls) {
            assertThat(Pattern.compile(d.labelMatcher()).matcher(job.get("job_name").asText()).matches()).isTrue();
            assertThat(d.dimensions()).allMatch(set -> set.contains(HostMetrics.HOST));
            // anchored exact names: what is selected is a list of series, not a family guessed by pattern
            assertThat(d.selectors()).allMatch(p -> p.pattern().matches("\\^dolly_[a-z_]+\\$"));
        }
        assertThat(agentConfig().at("/logs/metrics_collected/prometheus/prometheus_config_path").asText())
                .isEqualTo("/opt/aws/amazon-cloudwatch-agent/etc/dolly-prometheus.yaml");
        // it only reads a loopback port: not as root, as the user its package creates
        assertThat(agentConfig().at("/agent/run_as_user").asText()).isEqualTo("cwagent");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyHostAlarmNamesASelectedSeriesWithADeclaredDimensionSet() throws IOException {
        List<Declaration> decls = declarations();
        List<String> problems = new ArrayList<>();
        Set<String> alarmed = new TreeSet<>();
        for (Map<String, Object> alarm : Synth.ofType(json, "AWS::CloudWatch::Alarm").values()) {
            Map<String, Object> p = Synth.props(alarm);
            List<Map<String, Object>> metrics = new ArrayList<>();
            if (p.containsKey("MetricName")) {
                metrics.add(p);
            } else {
                for (Map<String, Object> q : (List<Map<String, Object>>) p.getOrDefault("Metrics", List.of())) {
                    Map<String, Object> stat = (Map<String, Object>) q.get("MetricStat");
                    if (stat != null) metrics.add((Map<String, Object>) stat.get("Metric"));
                }
            }
            for (Map<String, Object> m : metrics) {
                if (!HostMetrics.NAMESPACE.equals(m.get("Namespace"))) continue;
                String name = (String) m.get("MetricName");
                Set<String> dims = new TreeSet<>();
                for (Map<String, Object> d : (List<Map<String, Object>>) m.getOrDefault("Dimensions", List.of())) {
                    dims.add((String) d.get("Name"));
                    if (HostMetrics.HOST.equals(d.get("Name"))) assertThat(d.get("Value")).isEqualTo(ZfsHost.HOST_ID);
                }
                alarmed.add(name);
                if (!published(decls, name, dims)) problems.add(p.get("AlarmDescription") + ": " + name + " " + dims);
            }
        }
        assertThat(problems).isEmpty();
        assertThat(alarmed).containsExactlyInAnyOrder(HostMetrics.POOL_FREE, HostMetrics.POOL_RESERVE, HostMetrics.QUOTA_REFUSALS,
                HostMetrics.PORTS_IN_USE, HostMetrics.PORTS_CONFIGURED, HostMetrics.SIGNATURE_FAILURES, HostMetrics.SPARES_READY,
                HostMetrics.SPARES_TARGET, HostMetrics.LAST_REFRESH_SUCCESS_AGE, HostMetrics.HEALTH_DEGRADED);
    }

    @Test
    void theHostAlarmsMirrorThePrometheusRules() {
        // pool into its reserve (free - reserve <= 0 for 2 minutes)
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Threshold", 0,
                "ComparisonOperator", "LessThanOrEqualToThreshold", "EvaluationPeriods", 2,
                "Metrics", software.amazon.awscdk.assertions.Match.arrayWith(List.of(
                        software.amazon.awscdk.assertions.Match.objectLike(Map.of("Expression", "free - reserve"))))));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Threshold", 0.9, "ComparisonOperator", "GreaterThanThreshold"));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Namespace", HostMetrics.NAMESPACE,
                "MetricName", HostMetrics.QUOTA_REFUSALS, "Statistic", "Sum", "Period", 3600, "Threshold", 0));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Namespace", HostMetrics.NAMESPACE,
                "MetricName", HostMetrics.SIGNATURE_FAILURES, "Statistic", "Sum", "Period", 900, "Threshold", 20));
        // the series stop arriving: silence is the failure
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Namespace", HostMetrics.NAMESPACE,
                "MetricName", HostMetrics.POOL_FREE, "Statistic", "SampleCount", "TreatMissingData", "breaching"));
        // one per host-wide component GET /v1/health may name degraded
        for (String c : HostMetrics.HOST_COMPONENTS) {
            template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Namespace", HostMetrics.NAMESPACE,
                    "MetricName", HostMetrics.HEALTH_DEGRADED, "Threshold", 1, "Statistic", "Maximum",
                    "Dimensions", List.of(Map.of("Name", "component", "Value", c), Map.of("Name", "host", "Value", ZfsHost.HOST_ID))));
        }
        // one stale-snapshot alarm per template (two days), one spares alarm per template
        for (String t : List.of("shop", "crm")) {
            template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Namespace", HostMetrics.NAMESPACE,
                    "MetricName", HostMetrics.LAST_REFRESH_SUCCESS_AGE, "Threshold", 172800,
                    "Dimensions", List.of(Map.of("Name", "host", "Value", ZfsHost.HOST_ID), Map.of("Name", "template", "Value", t))));
            template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmDescription",
                    software.amazon.awscdk.assertions.Match.stringLikeRegexp("template " + t + " has had no warm spare")));
        }
    }

    @Test
    void everyHostSeriesOnTheDashboardIsSelected() throws IOException {
        List<Declaration> decls = declarations();
        String body = Synth.ofType(json, "AWS::CloudWatch::Dashboard").values().iterator().next().toString();
        Matcher m = Pattern.compile("dolly_[a-z_]+").matcher(body);
        Set<String> shown = new TreeSet<>();
        while (m.find()) shown.add(m.group());
        assertThat(shown).containsExactlyInAnyOrder(HostMetrics.POOL_SIZE, HostMetrics.POOL_USED, HostMetrics.POOL_FREE,
                HostMetrics.POOL_RESERVE, HostMetrics.CLONES, HostMetrics.SPARES_READY, HostMetrics.SPARES_TARGET, HostMetrics.SNAPSHOT_AGE,
                HostMetrics.LAST_REFRESH_SUCCESS_AGE, HostMetrics.QUOTA_REFUSALS, HostMetrics.SIGNATURE_FAILURES, HostMetrics.PORTS_IN_USE,
                HostMetrics.PORTS_CONFIGURED, HostMetrics.REFRESH_JOBS_RUNNING, HostMetrics.CLONE_USED);
        assertThat(shown).allMatch(name -> decls.stream().anyMatch(d -> d.selects(name)));
        // searches name the dimension sets the config declares
        assertThat(body).contains("{Dolly/Host,host,template,state} MetricName=\\\"dolly_clones\\\"");
        assertThat(published(decls, HostMetrics.CLONES, Set.of("host", "template", "state"))).isTrue();
        assertThat(published(decls, HostMetrics.QUOTA_REFUSALS, Set.of("host", "operation", "reason"))).isTrue();
        assertThat(published(decls, HostMetrics.CLONE_USED, Set.of("host", "template"))).isTrue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theHostWritesOnlyItsMetricsLog() {
        String group = Synth.logicalId(json, "AWS::Logs::LogGroup", "ZfsHostMetricsLogs");
        List<Map<String, Object>> statements = (List<Map<String, Object>>) ((Map<String, Object>) Synth.props(
                Synth.ofType(json, "AWS::IAM::Policy").get(Synth.logicalId(json, "AWS::IAM::Policy", "ZfsHostRoleDefaultPolicy")))
                .get("PolicyDocument")).get("Statement");
        List<Map<String, Object>> logs = statements.stream()
                .filter(st -> st.get("Action").toString().contains("logs:")).toList();
        assertThat(logs).isNotEmpty();
        for (Map<String, Object> st : logs) {
            assertThat(st.get("Action").toString()).doesNotContain("logs:*", "CreateLogGroup", "DeleteLogGroup");
            assertThat(st.get("Resource")).isEqualTo(Map.of("Fn::GetAtt", List.of(group, "Arn")));
        }
        assertThat(logs.toString()).contains("logs:PutLogEvents", "logs:CreateLogStream");
        // no PutMetricData: embedded-metric-format logs become metrics without it
        assertThat(statements.toString()).doesNotContain("cloudwatch:PutMetricData");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theBootstrapInstallsAndConfiguresTheCloudWatchAgent() {
        Map<String, Object> instance = Synth.ofType(json, "AWS::EC2::Instance").values().iterator().next();
        Map<String, Object> join = (Map<String, Object>) ((Map<String, Object>) Synth.props(instance).get("UserData")).get("Fn::Base64");
        StringBuilder sb = new StringBuilder();
        ((List<Object>) ((List<Object>) join.get("Fn::Join")).get(1)).forEach(sb::append);
        String userData = sb.toString();
        assertThat(userData)
                .doesNotContain(HostMetrics.AGENT_CONFIG_MARKER, HostMetrics.SCRAPE_CONFIG_MARKER, "@@")
                .contains("amazon-cloudwatch-agent.deb", "dpkg -i -E")
                .contains("amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s",
                        "file:/opt/aws/amazon-cloudwatch-agent/etc/dolly-cloudwatch-agent.json")
                .contains("targets: [\"127.0.0.1:7070\"]", "host: \"zfs-1\"", "\"metric_namespace\": \"Dolly/Host\"")
                .contains("\"log_group_name\": \"{Ref=" + Synth.logicalId(json, "AWS::Logs::LogGroup", "ZfsHostMetricsLogs") + "}\"");
        // the CloudWatch agent starts after the agent it scrapes
        assertThat(userData.indexOf("fetch-config")).isGreaterThan(userData.indexOf("systemctl restart dolly-agent"));
    }
}
