package dev.dolly.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.ec2.Instance;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * Alarms, all notifying one SNS topic: function errors, dead-letter queue depth, host heartbeat
 * age (custom metric {@value #HEARTBEAT_NAMESPACE}/{@value #HEARTBEAT_METRIC}, which the control
 * plane's reaper publishes; no data counts as breaching), the host's EC2 status checks, and the control plane's
 * command errors and latency, signature failures and authorization denials (embedded-metric-format metrics the
 * functions write, dimensionless series); the host agent's own series ({@link HostMetrics}: pool free against its
 * reserve, ports, quota refusals, signature failures, warm spares and snapshot staleness per template, and series
 * that stop arriving); and the CloudWatch dashboard "Dolly" of the same signals, the AWS counterpart of
 * ops/grafana/dolly.json and ops/prometheus/alerts.yml (same thresholds).
 */
final class Monitoring extends Construct {
    static final String HEARTBEAT_NAMESPACE = ControlFunctions.METRICS_NAMESPACE;
    static final String HEARTBEAT_METRIC = "HostHeartbeatAgeSeconds";

    /** The control plane's own metrics (dev.dolly.functions.metrics.EmfControlMeters), dimensionless series. */
    static final String COMMANDS = "Commands";
    static final String COMMAND_ERRORS = "CommandErrors";
    static final String COMMAND_LATENCY = "CommandLatency";
    static final String SIGNATURE_FAILURES = "SignatureFailures";
    static final String AUTHORIZATION_DENIALS = "AuthorizationDenials";

    final Topic topic;
    final Dashboard dashboard;
    private final SnsAction action;

    Monitoring(Construct scope, String id, DollyConfig config) {
        super(scope, id);
        topic = Topic.Builder.create(this, "AlarmTopic").displayName("Dolly alarms").build();
        if (config.alarmEmail() != null) {
            topic.addSubscription(new EmailSubscription(config.alarmEmail()));
        }
        action = new SnsAction(topic);
        dashboard = Dashboard.Builder.create(this, "Dashboard").dashboardName("Dolly").build();
    }

    private static Metric dolly(String name, String statistic, Duration period) {
        return Metric.Builder.create().namespace(HEARTBEAT_NAMESPACE).metricName(name).statistic(statistic).period(period).build();
    }

    /** Alarms on the control plane's commands and requests (the functions' embedded metrics). */
    void controlPlane() {
        alarm("command-errors", "Dolly: commands failed with an internal error or no available agent",
                dolly(COMMAND_ERRORS, "Sum", Duration.minutes(5)), 3, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1,
                TreatMissingData.NOT_BREACHING);
        alarm("command-latency", "Dolly: 95% of commands take more than 5 s",
                dolly(COMMAND_LATENCY, "p95", Duration.minutes(5)), 5000, ComparisonOperator.GREATER_THAN_THRESHOLD, 3,
                TreatMissingData.NOT_BREACHING);
        alarm("signature-failures", "Dolly: many requests refused for their signature (a wrong secret, a skewed clock, or probing)",
                dolly(SIGNATURE_FAILURES, "Sum", Duration.minutes(15)), 20, ComparisonOperator.GREATER_THAN_THRESHOLD, 1,
                TreatMissingData.NOT_BREACHING);
        alarm("authorization-denials", "Dolly: many commands denied by the authorizer",
                dolly(AUTHORIZATION_DENIALS, "Sum", Duration.hours(1)), 20, ComparisonOperator.GREATER_THAN_THRESHOLD, 1,
                TreatMissingData.NOT_BREACHING);
    }

    private static Metric host(String name, String statistic, Duration period, String... dimensions) {
        Map<String, String> dims = new java.util.LinkedHashMap<>();
        dims.put(HostMetrics.HOST, ZfsHost.HOST_ID);
        for (int i = 0; i + 1 < dimensions.length; i += 2) {
            dims.put(dimensions[i], dimensions[i + 1]);
        }
        return Metric.Builder.create().namespace(HostMetrics.NAMESPACE).metricName(name).dimensionsMap(dims)
                .statistic(statistic).period(period).build();
    }

    private static MathExpression math(String label, String expression, Duration period, Map<String, IMetric> metrics) {
        return MathExpression.Builder.create().label(label).expression(expression).usingMetrics(metrics).period(period).build();
    }

    /** Every series of {@code name} with the dimensions {@code dims} (besides host), whatever their values. */
    private static MathExpression search(String label, String name, String statistic, Duration period, String... dims) {
        String schema = String.join(",", java.util.stream.Stream.concat(
                java.util.stream.Stream.of(HostMetrics.NAMESPACE, HostMetrics.HOST), java.util.stream.Stream.of(dims)).toList());
        return MathExpression.Builder.create().label(label)
                .expression("SEARCH('{" + schema + "} MetricName=\"" + name + "\"', '" + statistic + "', "
                        + period.toSeconds().intValue() + ")")
                .usingMetrics(Map.of()).period(period).build();
    }

    /**
     * Alarms on the host agent's series (ops/prometheus/alerts.yml's capacity, refresh and security rules, same
     * thresholds): the pool into its reserve and nearly full, quota refusals, clone ports nearly exhausted, signature
     * failures at the agent, no warm spare and no successful refresh for two days per template, and the series not
     * arriving at all (the agent or the CloudWatch agent down: Prometheus's {@code up == 0}).
     */
    void host(java.util.Collection<String> templates) {
        Duration minute = Duration.minutes(1);
        alarm("host-pool-into-reserve", "Dolly: the pool is into its reserve, creates and savepoints are refused "
                        + "(destroy clones or old snapshots, delete savepoints, or grow the pool)",
                math("free - reserve", "free - reserve", minute, Map.of(
                        "free", host(HostMetrics.POOL_FREE, "Minimum", minute),
                        "reserve", host(HostMetrics.POOL_RESERVE, "Maximum", minute))),
                0, ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD, 2, TreatMissingData.NOT_BREACHING);
        Duration five = Duration.minutes(5);
        alarm("host-pool-nearly-full", "Dolly: the pool has less than twice its reserve free (creates will be refused at the reserve)",
                math("free - 2 x reserve", "free - 2 * reserve", five, Map.of(
                        "free", host(HostMetrics.POOL_FREE, "Minimum", five),
                        "reserve", host(HostMetrics.POOL_RESERVE, "Maximum", five))),
                0, ComparisonOperator.LESS_THAN_THRESHOLD, 2, TreatMissingData.NOT_BREACHING);
        alarm("host-quota-refusals", "Dolly: requests refused for pool space or clone ports in the last hour",
                host(HostMetrics.QUOTA_REFUSALS, "Sum", Duration.hours(1)),
                0, ComparisonOperator.GREATER_THAN_THRESHOLD, 1, TreatMissingData.NOT_BREACHING);
        alarm("host-ports-nearly-exhausted", "Dolly: more than 90% of the clone ports are in use (widen agent.ports or expire idle clones)",
                math("ports in use / configured", "inUse / configured", five, Map.of(
                        "inUse", host(HostMetrics.PORTS_IN_USE, "Maximum", five),
                        "configured", host(HostMetrics.PORTS_CONFIGURED, "Maximum", five))),
                0.9, ComparisonOperator.GREATER_THAN_THRESHOLD, 2, TreatMissingData.NOT_BREACHING);
        alarm("host-signature-failures", "Dolly: many requests to the host agent refused for their signature "
                        + "(a wrong agent key, a skewed clock, or probing)",
                host(HostMetrics.SIGNATURE_FAILURES, "Sum", Duration.minutes(15)),
                20, ComparisonOperator.GREATER_THAN_THRESHOLD, 1, TreatMissingData.NOT_BREACHING);
        alarm("host-metrics-missing", "Dolly: the host agent's series stopped arriving (the agent does not answer GET /metrics, "
                        + "or the CloudWatch agent is down: systemctl status dolly-agent amazon-cloudwatch-agent)",
                host(HostMetrics.POOL_FREE, "SampleCount", five),
                1, ComparisonOperator.LESS_THAN_THRESHOLD, 2, TreatMissingData.BREACHING);
        for (String c : HostMetrics.HOST_COMPONENTS) {
            alarm("host-degraded-" + c, "Dolly: the host agent says " + c + " is degraded (GET /v1/health on the agent says why)",
                    host(HostMetrics.HEALTH_DEGRADED, "Maximum", five, HostMetrics.COMPONENT, c),
                    1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 2, TreatMissingData.NOT_BREACHING);
        }
        for (String t : templates) {
            String id = t.replaceAll("[^A-Za-z0-9-]", "-");
            alarm("host-spares-empty-" + id, "Dolly: template " + t + " has had no warm spare for 15 minutes (creates take the cold path)",
                    math("no spare while some are wanted", "IF(target > 0 AND ready == 0, 1, 0)", five, Map.of(
                            "ready", host(HostMetrics.SPARES_READY, "Maximum", five, HostMetrics.TEMPLATE, t),
                            "target", host(HostMetrics.SPARES_TARGET, "Maximum", five, HostMetrics.TEMPLATE, t))),
                    1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 3, TreatMissingData.NOT_BREACHING);
            alarm("host-snapshot-stale-" + id, "Dolly: template " + t + " has not refreshed successfully for two days "
                            + "(GET /v1/health on the agent gives the last refresh's error)",
                    host(HostMetrics.LAST_REFRESH_SUCCESS_AGE, "Minimum", Duration.minutes(10), HostMetrics.TEMPLATE, t),
                    2 * 86400, ComparisonOperator.GREATER_THAN_THRESHOLD, 3, TreatMissingData.NOT_BREACHING);
        }
    }

    /** The dashboard: commands, latency, errors, heartbeat age, security counters, functions and queues, the host. */
    void dashboard(Map<String, Function> functions, Map<String, Queue> queues, Instance host) {
        Duration p = Duration.minutes(5);
        dashboard.addWidgets(
                graph("Commands and errors", List.of(dolly(COMMANDS, "Sum", p), dolly(COMMAND_ERRORS, "Sum", p))),
                graph("Command latency (ms)", List.of(dolly(COMMAND_LATENCY, "p50", p), dolly(COMMAND_LATENCY, "p95", p))),
                graph("Host heartbeat age (s)", List.of(dolly(HEARTBEAT_METRIC, "Maximum", p))));
        dashboard.addWidgets(
                graph("Signature failures and denials", List.of(dolly(SIGNATURE_FAILURES, "Sum", p), dolly(AUTHORIZATION_DENIALS, "Sum", p))),
                graph("Function errors", functions.values().stream()
                        .map(f -> (IMetric) f.metricErrors(MetricOptions.builder().period(p).statistic("Sum").build())).toList()),
                graph("Function duration p95 (ms)", functions.values().stream()
                        .map(f -> (IMetric) f.metricDuration(MetricOptions.builder().period(p).statistic("p95").build())).toList()));
        dashboard.addWidgets(
                graph("Dead-letter queues", queues.values().stream().map(q -> (IMetric) q.metricApproximateNumberOfMessagesVisible(
                        MetricOptions.builder().period(p).statistic("Maximum").build())).toList()),
                graph("ZFS host status checks and CPU", List.of(
                        Metric.Builder.create().namespace("AWS/EC2").metricName("StatusCheckFailed")
                                .dimensionsMap(Map.of("InstanceId", host.getInstanceId())).statistic("Maximum").period(p).build(),
                        Metric.Builder.create().namespace("AWS/EC2").metricName("CPUUtilization")
                                .dimensionsMap(Map.of("InstanceId", host.getInstanceId())).statistic("Average").period(p).build())),
                graph("Host pool (bytes)", List.of(host(HostMetrics.POOL_SIZE, "Maximum", p), host(HostMetrics.POOL_USED, "Maximum", p),
                        host(HostMetrics.POOL_FREE, "Minimum", p), host(HostMetrics.POOL_RESERVE, "Maximum", p))));
        dashboard.addWidgets(
                graph("Clones by template and state", List.of(
                        search("clones", HostMetrics.CLONES, "Maximum", p, HostMetrics.TEMPLATE, HostMetrics.STATE))),
                graph("Warm spares ready and wanted", List.of(
                        search("ready", HostMetrics.SPARES_READY, "Minimum", p, HostMetrics.TEMPLATE),
                        search("target", HostMetrics.SPARES_TARGET, "Maximum", p, HostMetrics.TEMPLATE))),
                graph("Snapshot and last successful refresh age (s)", List.of(
                        search("snapshot age", HostMetrics.SNAPSHOT_AGE, "Maximum", p, HostMetrics.TEMPLATE),
                        search("last refresh success age", HostMetrics.LAST_REFRESH_SUCCESS_AGE, "Maximum", p, HostMetrics.TEMPLATE))));
        dashboard.addWidgets(
                graph("Host quota refusals and signature failures", List.of(
                        search("refusals", HostMetrics.QUOTA_REFUSALS, "Sum", p, "operation", "reason"),
                        host(HostMetrics.SIGNATURE_FAILURES, "Sum", p))),
                graph("Clone ports and refresh jobs", List.of(host(HostMetrics.PORTS_IN_USE, "Maximum", p),
                        host(HostMetrics.PORTS_CONFIGURED, "Maximum", p), host(HostMetrics.REFRESH_JOBS_RUNNING, "Maximum", p))),
                graph("Largest clone per template (bytes)", List.of(
                        search("largest clone", HostMetrics.CLONE_USED, "Maximum", p, HostMetrics.TEMPLATE))));
    }

    private static GraphWidget graph(String title, List<IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(metrics).width(8).height(6).build();
    }

    void functionErrors(String bean, Function fn) {
        alarm(bean + "-errors", "Dolly function " + bean + " failed invocations",
                fn.metricErrors(MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build()),
                1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1, TreatMissingData.NOT_BREACHING);
    }

    void deadLetters(String name, Queue queue) {
        alarm(name + "-dlq-depth", "Dolly dead-letter queue " + name + " holds messages",
                queue.metricApproximateNumberOfMessagesVisible(
                        MetricOptions.builder().period(Duration.minutes(5)).statistic("Maximum").build()),
                1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1, TreatMissingData.NOT_BREACHING);
    }

    void hostHeartbeat(int maxAgeSeconds) {
        Metric age = Metric.Builder.create()
                .namespace(HEARTBEAT_NAMESPACE)
                .metricName(HEARTBEAT_METRIC)
                .statistic("Maximum")
                .period(Duration.minutes(10))
                .build();
        alarm("host-heartbeat-age", "Dolly: no fresh heartbeat from a host (or the reaper stopped reporting)",
                age, maxAgeSeconds, ComparisonOperator.GREATER_THAN_THRESHOLD, 1, TreatMissingData.BREACHING);
    }

    void hostStatus(Instance instance) {
        Metric failed = Metric.Builder.create()
                .namespace("AWS/EC2")
                .metricName("StatusCheckFailed")
                .dimensionsMap(Map.of("InstanceId", instance.getInstanceId()))
                .statistic("Maximum")
                .period(Duration.minutes(5))
                .build();
        alarm("host-status-check", "Dolly ZFS host fails its EC2 status checks", failed, 1,
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 2, TreatMissingData.BREACHING);
    }

    private void alarm(String id, String description, IMetric metric, double threshold, ComparisonOperator op,
                       int periods, TreatMissingData missing) {
        Alarm alarm = Alarm.Builder.create(this, id)
                .alarmDescription(description)
                .metric(metric)
                .threshold(threshold)
                .comparisonOperator(op)
                .evaluationPeriods(periods)
                .treatMissingData(missing)
                .build();
        alarm.addAlarmAction(action);
    }
}
