package dev.dolly.infra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The control plane's Lambda functions: one per Spring Cloud Function bean, all from the same
 * shaded jar with the AWS adapter's {@code FunctionInvoker}. Each has SnapStart on published
 * versions, an alias {@value #ALIAS} (what the API and the schedules invoke), its own log group
 * and its own role granting exactly: its log group, the table and its indexes, its own
 * (asynchronous) invocation, the secrets it needs, and its dead-letter queue. Their Dolly config is
 * the control plane's part of context {@code hostConfig} ({@link FunctionsConfig}).
 */
final class ControlFunctions extends Construct {
    static final String ALIAS = "live";
    static final String HANDLER = "org.springframework.cloud.function.adapter.aws.FunctionInvoker::handleRequest";
    static final String MAIN_CLASS = "dev.dolly.functions.DollyFunctionsApplication";
    static final String METRICS_NAMESPACE = "Dolly";

    /** What one function is and needs. */
    record Spec(String bean, String id, int timeoutSeconds, int asyncRetries, boolean publishesMetrics,
                List<String> secrets) {}

    // secret names, resolved against Secrets
    static final String SLACK_SIGNING = "slackSigning";
    static final String SLACK_BOT = "slackBot";
    static final String AGENT_KEY = "agentKey";
    static final String CI_KEYS = "ciKeys";

    static final List<Spec> SPECS = List.of(
            new Spec("slackEvents", "SlackEvents", 120, 0, false, List.of(SLACK_SIGNING, SLACK_BOT, AGENT_KEY)),
            new Spec("ciWebhook", "CiWebhook", 120, 0, false, List.of(CI_KEYS, SLACK_BOT, AGENT_KEY)),
            new Spec("agentCallback", "AgentCallback", 30, 0, true, List.of(AGENT_KEY, SLACK_BOT)),
            // the user API (personal tokens): the bot token resolves a token owner's Slack user groups
            new Spec("userApi", "UserApi", 120, 0, false, List.of(SLACK_BOT, AGENT_KEY)),
            new Spec("scheduledRefresh", "ScheduledRefresh", 60, 2, false, List.of(AGENT_KEY, SLACK_BOT)),
            new Spec("reaper", "Reaper", 300, 2, true, List.of(AGENT_KEY, SLACK_BOT)));

    /** bean name → its function and alias. */
    final Map<String, Function> functions = new LinkedHashMap<>();
    final Map<String, Alias> aliases = new LinkedHashMap<>();
    final Map<String, LogGroup> logGroups = new LinkedHashMap<>();
    /** Failed asynchronous invocations (schedules, self-invocations) of every function land here. */
    final Queue asyncDeadLetterQueue;

    ControlFunctions(Construct scope, String id, DollyConfig config, Network network, ITable table, Secrets secrets,
                     String hostsEnv) {
        super(scope, id);
        Stack stack = Stack.of(this);
        Path jar = Jars.require(config.functionsJar(), "The functions' AWS jar", "functionsJar", Jars.FUNCTIONS_BUILD);
        Code code = Code.fromAsset(jar.toString());
        Runtime runtime = config.lambdaRuntime().equals("java17") ? Runtime.JAVA_17 : Runtime.JAVA_21;
        // the control plane's sections of the operator's dolly.yaml; without it nothing is granted
        String configYaml = null;
        if (config.hostConfig() != null) {
            configYaml = FunctionsConfig.fromFile(config.hostConfig());
        } else {
            Annotations.of(this).addWarningV2("dolly:noHostConfig", "no context 'hostConfig': the functions get no "
                    + FunctionsConfig.ENV + " (no templates, no grants) and will refuse every command until a config "
                    + "is given: -c hostConfig=path/to/dolly.yaml (see infra/README.md)");
        }

        asyncDeadLetterQueue = Queue.Builder.create(this, "AsyncDlq")
                .retentionPeriod(Duration.days(14))
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .build();

        for (Spec spec : SPECS) {
            String functionName = config.stackName() + "-" + spec.bean();
            LogGroup logGroup = LogGroup.Builder.create(this, spec.id() + "Logs")
                    .logGroupName("/aws/lambda/" + functionName)
                    .retention(DollyStack.retention(config.logRetentionDays()))
                    .removalPolicy(RemovalPolicy.DESTROY)
                    .build();

            Role role = Role.Builder.create(this, spec.id() + "Role")
                    .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                    .description("Dolly function " + spec.bean() + ": least privilege")
                    .build();
            role.addToPolicy(statement("Logs", List.of("logs:CreateLogStream", "logs:PutLogEvents"),
                    List.of(logGroup.getLogGroupArn())));
            // Lambda's ENIs in the VPC; these EC2 actions support no resource scoping
            role.addToPolicy(statement("VpcNetworkInterfaces", List.of(
                    "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
                    "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"),
                    List.of("*")));
            // items and index queries only (transactions are authorized per item action); no Scan
            role.addToPolicy(statement("Table", List.of(
                    "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
                    "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
                    "dynamodb:ConditionCheckItem"),
                    List.of(table.getTableArn(), table.getTableArn() + "/index/*")));
            String selfArn = stack.formatArn(ArnComponents.builder().service("lambda").resource("function")
                    .resourceName(functionName).arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
            role.addToPolicy(statement("InvokeSelfAsync", List.of("lambda:InvokeFunction"),
                    List.of(selfArn, selfArn + ":*")));
            if (spec.publishesMetrics()) {
                role.addToPolicy(PolicyStatement.Builder.create()
                        .sid("Metrics").effect(Effect.ALLOW)
                        .actions(List.of("cloudwatch:PutMetricData"))
                        .resources(List.of("*"))
                        .conditions(Map.of("StringEquals", Map.of("cloudwatch:namespace", METRICS_NAMESPACE)))
                        .build());
            }

            Map<String, String> env = new LinkedHashMap<>();
            env.put("MAIN_CLASS", MAIN_CLASS);
            env.put("SPRING_CLOUD_FUNCTION_DEFINITION", spec.bean());
            env.put("SPRING_PROFILES_ACTIVE", "aws");
            env.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
            env.put("DOLLY_TABLE", table.getTableName());
            env.put("DOLLY_HOSTS", hostsEnv);
            env.put("DOLLY_ASYNC_ALIAS", ALIAS);
            env.put("DOLLY_METRICS_NAMESPACE", METRICS_NAMESPACE);
            if (configYaml != null) {
                env.put(FunctionsConfig.ENV, configYaml);
            }
            for (String secret : spec.secrets()) {
                if (secret.equals(CI_KEYS)) {
                    List<String> pairs = new ArrayList<>();
                    for (Map.Entry<String, ISecret> ci : secrets.ciKeys.entrySet()) {
                        ci.getValue().grantRead(role);
                        pairs.add(ci.getKey() + "=" + ci.getValue().getSecretArn());
                    }
                    env.put("DOLLY_CI_KEY_SECRET_ARNS", String.join(",", pairs));
                } else {
                    ISecret s = secret(secrets, secret);
                    s.grantRead(role);
                    env.put(envName(secret), s.getSecretArn());
                }
            }

            FunctionsConfig.checkEnvironmentSize(functionName, env, config.hostConfig());

            Function fn = Function.Builder.create(this, spec.id())
                    .functionName(functionName)
                    .description("Dolly " + spec.bean() + " (Spring Cloud Function)")
                    .runtime(runtime)
                    .handler(HANDLER)
                    .code(code)
                    .memorySize(config.lambdaMemoryMb())
                    .timeout(Duration.seconds(spec.timeoutSeconds()))
                    .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                    .role(role)
                    .logGroup(logGroup)
                    .environment(env)
                    .vpc(network.vpc)
                    .vpcSubnets(network.privateSubnets)
                    .securityGroups(List.of(network.functionsSg))
                    .deadLetterQueue(asyncDeadLetterQueue)
                    .build();
            // SnapStart applies to published versions: currentVersion publishes one per change
            Annotations.of(fn).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                    "published through currentVersion; invoked only through the live alias");
            Alias alias = Alias.Builder.create(this, spec.id() + "Alias")
                    .aliasName(ALIAS)
                    .version(fn.getCurrentVersion())
                    .build();
            alias.configureAsyncInvoke(EventInvokeConfigOptions.builder()
                    .retryAttempts(spec.asyncRetries())
                    .maxEventAge(Duration.hours(1))
                    .build());
            functions.put(spec.bean(), fn);
            aliases.put(spec.bean(), alias);
            logGroups.put(spec.bean(), logGroup);
        }
    }

    /** The environment variable holding a secret's ARN. */
    static String envName(String secret) {
        return switch (secret) {
            case SLACK_SIGNING -> "DOLLY_SLACK_SIGNING_SECRET_ARN";
            case SLACK_BOT -> "DOLLY_SLACK_BOT_TOKEN_ARN";
            case AGENT_KEY -> "DOLLY_AGENT_SECRET_ARN";
            case CI_KEYS -> "DOLLY_CI_KEY_SECRET_ARNS";
            default -> throw new IllegalArgumentException(secret);
        };
    }

    private static ISecret secret(Secrets secrets, String name) {
        return switch (name) {
            case SLACK_SIGNING -> secrets.slackSigningSecret;
            case SLACK_BOT -> secrets.slackBotToken;
            case AGENT_KEY -> secrets.agentSigningKey;
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static PolicyStatement statement(String sid, List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create().sid(sid).effect(Effect.ALLOW).actions(actions).resources(resources)
                .build();
    }

    /** Bean names, for docs and tests. */
    static List<String> beans() {
        return SPECS.stream().map(Spec::bean).collect(Collectors.toList());
    }
}
