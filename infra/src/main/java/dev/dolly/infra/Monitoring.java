package dev.dolly.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
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
 * functions write, dimensionless series); and the CloudWatch dashboard "Dolly" of the same signals, the AWS
 * counterpart of ops/grafana/dolly.json and ops/prometheus/alerts.yml.
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
                                .dimensionsMap(Map.of("InstanceId", host.getInstanceId())).statistic("Average").period(p).build())));
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
