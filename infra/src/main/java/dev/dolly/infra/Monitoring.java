package dev.dolly.infra;

import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
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
 * plane's reaper publishes; no data counts as breaching) and the host's EC2 status checks.
 */
final class Monitoring extends Construct {
    static final String HEARTBEAT_NAMESPACE = ControlFunctions.METRICS_NAMESPACE;
    static final String HEARTBEAT_METRIC = "HostHeartbeatAgeSeconds";

    final Topic topic;
    private final SnsAction action;

    Monitoring(Construct scope, String id, DollyConfig config) {
        super(scope, id);
        topic = Topic.Builder.create(this, "AlarmTopic").displayName("Dolly alarms").build();
        if (config.alarmEmail() != null) {
            topic.addSubscription(new EmailSubscription(config.alarmEmail()));
        }
        action = new SnsAction(topic);
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
