package dev.dolly.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** EventBridge Scheduler: a refresh per template, the reaper every 5 minutes, each with its own DLQ. */
class SchedulesTest {
    private final Template template = Synth.standard();
    private final Map<String, Object> json = Synth.standardJson();

    @Test
    void oneRefreshSchedulePerTemplateCarryingItsName() {
        String refreshAlias = Synth.logicalId(json, "AWS::Lambda::Alias", "FunctionsScheduledRefreshAlias");
        Map.of("shop", "cron(0 3 * * ? *)", "crm", "rate(6 hours)").forEach((template, expression) ->
                this.template.hasResourceProperties("AWS::Scheduler::Schedule", Map.of(
                        "ScheduleExpression", expression,
                        "ScheduleExpressionTimezone", "UTC",
                        "State", "ENABLED",
                        "Target", Match.objectLike(Map.of(
                                "Arn", Map.of("Ref", refreshAlias),
                                "Input", "{\"template\":\"" + template + "\"}",
                                "DeadLetterConfig", Map.of("Arn", Map.of("Fn::GetAtt",
                                        List.of(Match.stringLikeRegexp("Schedulesrefresh" + template + "dlq.*"), "Arn"))))))));
    }

    @Test
    void reaperEveryFiveMinutes() {
        String reaperAlias = Synth.logicalId(json, "AWS::Lambda::Alias", "FunctionsReaperAlias");
        template.hasResourceProperties("AWS::Scheduler::Schedule", Map.of(
                "ScheduleExpression", "rate(5 minutes)",
                "Target", Match.objectLike(Map.of(
                        "Arn", Map.of("Ref", reaperAlias),
                        "DeadLetterConfig", Map.of("Arn", Map.of("Fn::GetAtt",
                                List.of(Match.stringLikeRegexp("Schedulesreaperdlq.*"), "Arn")))))));
    }

    @Test
    void everyScheduleHasItsOwnDeadLetterQueueAndRetries() {
        var schedules = Synth.ofType(json, "AWS::Scheduler::Schedule").values();
        assertThat(schedules).hasSize(3);
        List<Object> dlqs = schedules.stream().map(s -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> target = (Map<String, Object>) Synth.props(s).get("Target");
            assertThat(target).containsKey("RetryPolicy");
            return target.get("DeadLetterConfig");
        }).toList();
        assertThat(dlqs).doesNotContainNull().doesNotHaveDuplicates();
        // 3 schedule DLQs + the functions' async DLQ, all encrypted and kept 14 days
        template.resourceCountIs("AWS::SQS::Queue", 4);
        template.allResourcesProperties("AWS::SQS::Queue", Map.of(
                "SqsManagedSseEnabled", true, "MessageRetentionPeriod", 14 * 24 * 3600));
    }

    @Test
    void schedulerRolesMayInvokeOnlyTheirAliasAndSendOnlyToTheirQueues() {
        Synth.ofType(json, "AWS::IAM::Policy").forEach((id, policy) -> {
            if (!id.startsWith("SchedulerRoleForTarget")) {
                return;
            }
            for (Map<String, Object> st : IamTest.statements(policy)) {
                Object action = st.get("Action");
                assertThat(action).isIn("lambda:InvokeFunction", "sqs:SendMessage");
                assertThat(st.get("Resource")).isNotEqualTo("*");
                if (action.equals("lambda:InvokeFunction")) {
                    assertThat(st.get("Resource").toString()).contains("Alias");
                }
            }
        });
        assertThat(Synth.ofType(json, "AWS::IAM::Policy").keySet().stream()
                .filter(id -> id.startsWith("SchedulerRoleForTarget")).filter(Objects::nonNull)).isNotEmpty();
    }
}
