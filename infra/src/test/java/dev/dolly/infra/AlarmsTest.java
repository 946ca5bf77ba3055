package dev.dolly.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** Alarms on function errors, dead-letter queue depth and host heartbeat age, all to one topic. */
class AlarmsTest {
    private final Template template = Synth.standard();
    private final Map<String, Object> json = Synth.standardJson();

    @Test
    void errorsAlarmPerFunction() {
        for (String fn : List.of("SlackEvents", "CiWebhook", "AgentCallback", "UserApi", "ScheduledRefresh", "Reaper")) {
            template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                    "Namespace", "AWS/Lambda",
                    "MetricName", "Errors",
                    "Dimensions", List.of(Map.of("Name", "FunctionName",
                            "Value", Map.of("Ref", Synth.logicalId(json, "AWS::Lambda::Function", "Functions" + fn)))),
                    "Statistic", "Sum",
                    "Threshold", 1,
                    "ComparisonOperator", "GreaterThanOrEqualToThreshold"));
        }
    }

    @Test
    void depthAlarmPerDeadLetterQueue() {
        for (String queue : Synth.ofType(json, "AWS::SQS::Queue").keySet()) {
            template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                    "Namespace", "AWS/SQS",
                    "MetricName", "ApproximateNumberOfMessagesVisible",
                    "Dimensions", List.of(Map.of("Name", "QueueName",
                            "Value", Map.of("Fn::GetAtt", List.of(queue, "QueueName")))),
                    "Threshold", 1,
                    "ComparisonOperator", "GreaterThanOrEqualToThreshold"));
        }
    }

    @Test
    void heartbeatAgeAlarmTreatsSilenceAsFailure() {
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "Dolly",
                "MetricName", "HostHeartbeatAgeSeconds",
                "Statistic", "Maximum",
                "Threshold", 600,
                "ComparisonOperator", "GreaterThanThreshold",
                "TreatMissingData", "breaching"));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/EC2", "MetricName", "StatusCheckFailed"));
    }

    @Test
    void theControlPlanesOwnMetricsAlarm() {
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Namespace", "Dolly", "MetricName", "CommandErrors",
                "Statistic", "Sum", "Threshold", 3, "TreatMissingData", "notBreaching"));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Namespace", "Dolly", "MetricName", "CommandLatency",
                "ExtendedStatistic", "p95", "Threshold", 5000, "EvaluationPeriods", 3));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Namespace", "Dolly", "MetricName", "SignatureFailures",
                "Statistic", "Sum", "Period", 900));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Namespace", "Dolly", "MetricName", "AuthorizationDenials",
                "Statistic", "Sum", "Period", 3600));
    }

    @Test
    void theDashboardShowsTheSameSignals() {
        Map<String, Map<String, Object>> dashboards = Synth.ofType(json, "AWS::CloudWatch::Dashboard");
        assertThat(dashboards).hasSize(1);
        template.hasResourceProperties("AWS::CloudWatch::Dashboard", Map.of("DashboardName", "Dolly"));
        String body = dashboards.values().iterator().next().toString();
        for (String metric : List.of("\"Commands\"", "\"CommandErrors\"", "\"CommandLatency\"", "\"HostHeartbeatAgeSeconds\"",
                "\"SignatureFailures\"", "\"AuthorizationDenials\"", "\"StatusCheckFailed\"", "\"ApproximateNumberOfMessagesVisible\"",
                "\"Errors\"", "\"Duration\"")) {
            assertThat(body).as("the dashboard body names %s", metric).contains(metric);
        }
    }

    @Test
    void everyAlarmNotifiesTheTopic() {
        String topic = Synth.logicalId(json, "AWS::SNS::Topic", "MonitoringAlarmTopic");
        // an errors alarm per function, a depth alarm per dead-letter queue, heartbeat and host status, the control plane's four,
        // the host agent's six, three for its degraded components and two per template (HostMetricsTest)
        assertThat(Synth.ofType(json, "AWS::CloudWatch::Alarm")).hasSize(6 + 4 + 2 + 4 + 6 + 3 + 2 * 2);
        template.allResourcesProperties("AWS::CloudWatch::Alarm", Map.of("AlarmActions", List.of(Map.of("Ref", topic))));
        template.hasResourceProperties("AWS::SNS::Subscription", Map.of(
                "Protocol", "email", "Endpoint", "oncall@example.com", "TopicArn", Map.of("Ref", topic)));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmDescription", Match.anyValue()));
    }
}
