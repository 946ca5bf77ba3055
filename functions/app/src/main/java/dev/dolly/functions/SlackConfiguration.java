package dev.dolly.functions;

import dev.dolly.functions.aws.AwsApi;
import dev.dolly.functions.config.DollyConfig;
import dev.dolly.functions.config.Secrets;
import dev.dolly.functions.service.CommandService;
import dev.dolly.functions.web.HttpAnswer;
import dev.dolly.functions.web.LambdaSlackWorkDispatcher;
import dev.dolly.functions.web.SlackBridge;
import dev.dolly.functions.web.SlackEntry;
import dev.dolly.slack.ExecutorSlackWorkDispatcher;
import dev.dolly.slack.SlackFront;
import dev.dolly.slack.SlackSettings;
import dev.dolly.slack.SlackWorkDispatcher;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Slack front, when its secrets are set ({@code SLACK_SIGNING_SECRET}, {@code SLACK_BOT_TOKEN}, or the
 * variables the {@code slack:} section names): deferred work runs on a local executor, or on AWS Lambda in an
 * asynchronous invocation of this function. Without the secrets, {@code /slack/events} answers 503; with only the bot
 * token (the functions that just notify), Slack notifications work and no Slack request is accepted.
 */
@Configuration(proxyBeanMethods = false)
public class SlackConfiguration {
    private static final Logger log = LoggerFactory.getLogger(SlackConfiguration.class);

    @Bean(destroyMethod = "")
    SlackEntry slackEntry(DollyConfig config, Secrets secrets, CommandService commands, DollyConfiguration.NotifierRef notifier,
                          Clock clock, DollySettings settings) {
        Map<String, Object> slack = config.slack();
        String secretEnv = Objects.toString(slack.get("signingSecretEnv"), SlackSettings.SIGNING_SECRET_ENV);
        String tokenEnv = Objects.toString(slack.get("botTokenEnv"), SlackSettings.BOT_TOKEN_ENV);
        Map<String, String> env = new HashMap<>();
        for (String name : new String[] {secretEnv, tokenEnv, SlackSettings.API_URL_ENV}) {
            String v = secrets.resolve(name, null);
            if (v != null) env.put(name, v);
        }
        boolean notifyOnly = false;
        if (!env.containsKey(secretEnv) && env.containsKey(tokenEnv)) {
            // functions that only notify (reaper, refresh, callbacks) get the bot token but no signing secret:
            // a random one means no Slack request can ever verify here
            byte[] r = new byte[32];
            new java.security.SecureRandom().nextBytes(r);
            env.put(secretEnv, java.util.HexFormat.of().formatHex(r));
            notifyOnly = true;
        }
        if (!env.containsKey(secretEnv) || !env.containsKey(tokenEnv)) {
            log.info("Slack is off: set {} and {} to serve /slack/events", secretEnv, tokenEnv);
            return new SlackEntry() {
                public HttpAnswer handle(dev.dolly.functions.web.HttpCall call) {
                    return HttpAnswer.json(503, "{\"error\":\"unavailable\",\"message\":\"Slack is not configured on this Dolly\"}");
                }

                public void runWork(String workJson) {
                    throw new IllegalStateException("Slack is not configured");
                }
            };
        }
        Map<String, Object> templates = new LinkedHashMap<>();
        config.templates().forEach((name, t) -> {
            Map<String, Object> m = new HashMap<>();
            if (t.slackChannel() != null) m.put("slackChannel", t.slackChannel());
            templates.put(name, m);
        });
        SlackSettings s = SlackSettings.from(slack, templates, env);
        String function = settings.lambda().functionName();
        if (function == null || function.isBlank()) function = System.getenv("AWS_LAMBDA_FUNCTION_NAME");
        SlackWorkDispatcher dispatcher;
        AtomicReference<SlackBridge> bridge = new AtomicReference<>();
        if (function != null && !function.isBlank()) {
            String region = System.getenv("AWS_REGION");
            if (region == null) region = settings.dynamodb().region();
            AwsApi lambda = AwsApi.of("lambda", region, settings.lambda().endpoint());
            dispatcher = new LambdaSlackWorkDispatcher(lambda, function, settings.lambda().qualifier(), bridge::get);
            log.info("Slack work goes to asynchronous invocations of {}", function);
        } else {
            dispatcher = ExecutorSlackWorkDispatcher.withThreads(4);
        }
        if (notifyOnly) log.info("Slack: notifications only ({} is not set here)", secretEnv);
        SlackFront front = new SlackFront(s, commands, dispatcher, clock);
        bridge.set(new SlackBridge(front));
        notifier.set(front.notifier());
        return bridge.get();
    }
}
