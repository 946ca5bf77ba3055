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
    void everyAlarmNotifiesTheTopic() {
        String topic = Synth.logicalId(json, "AWS::SNS::Topic", "MonitoringAlarmTopic");
        assertThat(Synth.ofType(json, "AWS::CloudWatch::Alarm")).hasSize(6 + 4 + 2); // an errors alarm per function, a depth alarm per dead-letter queue, heartbeat and host status
        template.allResourcesProperties("AWS::CloudWatch::Alarm", Map.of("AlarmActions", List.of(Map.of("Ref", topic))));
        template.hasResourceProperties("AWS::SNS::Subscription", Map.of(
                "Protocol", "email", "Endpoint", "oncall@example.com", "TopicArn", Map.of("Ref", topic)));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmDescription", Match.anyValue()));
    }
}
