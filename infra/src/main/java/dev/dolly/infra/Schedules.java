package dev.dolly.infra;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.TimeZone;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.ScheduleTargetInput;
import software.amazon.awscdk.services.scheduler.targets.LambdaInvoke;
import software.amazon.awscdk.services.scheduler.targets.ScheduleTargetBaseProps;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * EventBridge Scheduler: one refresh schedule per template (input {@code {"template": "<name>"}})
 * and the reaper every five minutes (input {@code {}}), each with its own SQS dead-letter queue
 * for invocations the scheduler could not deliver.
 */
final class Schedules extends Construct {
    static final String REAPER_EXPRESSION = "rate(5 minutes)";

    /** Schedule name ("refresh-shop", "reaper") → its dead-letter queue. */
    final Map<String, Queue> deadLetterQueues = new LinkedHashMap<>();

    Schedules(Construct scope, String id, DollyConfig config, IFunction refresh, IFunction reaper) {
        super(scope, id);
        TimeZone tz = TimeZone.of(config.scheduleTimezone());
        config.templates().forEach((template, expression) -> schedule("refresh-" + template,
                "Dolly: refresh template " + template, ScheduleExpression.expression(expression, tz), refresh,
                ScheduleTargetInput.fromObject(Map.of("template", template))));
        schedule("reaper", "Dolly: reaper (TTL, idle expiry, reconciliation with agents)",
                ScheduleExpression.expression(REAPER_EXPRESSION), reaper, ScheduleTargetInput.fromText("{}"));
    }

    private void schedule(String name, String description, ScheduleExpression expression, IFunction target,
                          ScheduleTargetInput input) {
        Queue dlq = Queue.Builder.create(this, name + "-dlq")
                .retentionPeriod(Duration.days(14))
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .build();
        Schedule.Builder.create(this, name)
                .description(description)
                .schedule(expression)
                .target(new LambdaInvoke(target, ScheduleTargetBaseProps.builder()
                        .input(input)
                        .deadLetterQueue(dlq)
                        .retryAttempts(3)
                        .maxEventAge(Duration.hours(1))
                        .build()))
                .build();
        deadLetterQueues.put(name, dlq);
    }
}
