package dev.dolly.infra;

import dev.dolly.control.api.TableSchema;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.HttpStageOptions;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.route53.PrivateHostedZone;
import software.constructs.Construct;

/**
 * The whole of Dolly in one stack: network, table, secrets, functions behind an HTTP API,
 * schedules, the ZFS host and alarms. Every parameter comes from {@link DollyConfig}.
 */
public final class DollyStack extends Stack {
    /** HTTP API routes ("METHOD path") → the function bean serving them. */
    public static final Map<String, String> ROUTES = routes();

    private static Map<String, String> routes() {
        Map<String, String> routes = new java.util.LinkedHashMap<>();
        routes.put("POST /slack/events", "slackEvents");
        routes.put("POST /webhooks/ci", "ciWebhook");
        routes.put("POST /agent/callback", "agentCallback");
        // the user API: every /api/v1 route (the function answers 404/401 itself, as the local server does)
        routes.put("ANY /api/v1/{proxy+}", "userApi");
        return java.util.Collections.unmodifiableMap(routes);
    }

    private final List<String> availabilityZones;
    final Network network;
    final Table table;
    final Secrets secrets;
    final ControlFunctions functions;
    final HttpApi api;
    final Schedules schedules;
    final ZfsHost host;
    final Monitoring monitoring;

    public DollyStack(Construct scope, DollyConfig config) {
        super(scope, config.stackName(), StackProps.builder()
                .description("Dolly: private, masked, writable copies of production PostgreSQL (ZFS thin clones)")
                .env(config.account() == null && config.region() == null ? null
                        : Environment.builder().account(config.account()).region(config.region()).build())
                .build());
        availabilityZones = config.availabilityZones();
        // a launch template name unique per stack (the legacy name collides between two stacks)
        getNode().setContext("@aws-cdk/aws-ec2:uniqueImdsv2TemplateName", true);

        network = new Network(this, "Network", config);
        table = table();
        secrets = new Secrets(this, "Secrets", config);

        PrivateHostedZone zone = PrivateHostedZone.Builder.create(this, "PrivateZone")
                .zoneName(config.privateZoneName())
                .vpc(network.vpc)
                .comment("Dolly: names of the ZFS hosts")
                .build();
        // the functions know the host by DNS name, so they do not depend on the instance
        // (which depends on the API for its callback URL)
        String hostName = ZfsHost.HOST_ID + "." + config.privateZoneName();
        String agentUrl = "http://" + hostName + ":" + config.agentPort();

        functions = new ControlFunctions(this, "Functions", config, network, table, secrets,
                ZfsHost.HOST_ID + "=" + agentUrl);
        api = httpApi(config);
        schedules = new Schedules(this, "Schedules", config,
                functions.aliases.get("scheduledRefresh"), functions.aliases.get("reaper"));
        host = new ZfsHost(this, "ZfsHost", config, network, secrets, zone, hostName,
                api.getApiEndpoint() + "/agent/callback");

        monitoring = new Monitoring(this, "Monitoring", config);
        functions.functions.forEach(monitoring::functionErrors);
        monitoring.deadLetters("functions-async", functions.asyncDeadLetterQueue);
        schedules.deadLetterQueues.forEach(monitoring::deadLetters);
        monitoring.hostHeartbeat(config.heartbeatMaxAgeSeconds());
        monitoring.hostStatus(host.instance);
        monitoring.controlPlane();
        monitoring.host(config.templates().keySet());
        Map<String, software.amazon.awscdk.services.sqs.Queue> queues = new java.util.LinkedHashMap<>(schedules.deadLetterQueues);
        queues.put("functions-async", functions.asyncDeadLetterQueue);
        monitoring.dashboard(functions.functions, queues, host.instance);

        output("ApiUrl", api.getApiEndpoint(), "HTTP API base URL");
        output("SlackRequestUrl", api.getApiEndpoint() + "/slack/events",
                "Slack app: slash command, interactivity and event subscription request URL");
        output("CiWebhookUrl", api.getApiEndpoint() + "/webhooks/ci", "CI webhook URL");
        output("UserApiUrl", api.getApiEndpoint() + "/api/v1", "user API base URL (personal tokens; the dolly CLI's DOLLY_URL is ApiUrl)");
        output("TableName", table.getTableName(), "DynamoDB table");
        output("AgentUrl", agentUrl, "host agent URL (inside the VPC)");
        output("HostInstanceId", host.instance.getInstanceId(), "ZFS host (connect with Session Manager)");
        output("PoolVolumeId", host.poolVolume.getVolumeId(), "EBS volume holding the ZFS pool");
        output("AlarmTopicArn", monitoring.topic.getTopicArn(), "SNS topic of all alarms");
        output("SlackSigningSecretArn", secrets.slackSigningSecret.getSecretArn(), "put the Slack signing secret here");
        output("SlackBotTokenArn", secrets.slackBotToken.getSecretArn(), "put the Slack bot token here");
        output("AgentSigningKeyArn", secrets.agentSigningKey.getSecretArn(), "agent request signing key (generated)");
        output("HostEnvironmentSecretArn", secrets.hostEnvironment.getSecretArn(),
                "JSON environment of the host agent (source passwords)");
        secrets.ciKeys.forEach((key, secret) -> output("CiKeySecretArn" + camel(key), secret.getSecretArn(),
                "HMAC key of CI key '" + key + "' (generated)"));
    }

    /**
     * The AZs the VPC spans: those configured, else the region's first two, resolved at deploy time
     * ({@code Fn::GetAZs}), so synthesis never looks anything up.
     */
    @Override
    public List<String> getAvailabilityZones() {
        if (availabilityZones != null && !availabilityZones.isEmpty()) {
            return availabilityZones;
        }
        return List.of(Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs()));
    }

    private Table table() {
        Table t = Table.Builder.create(this, "Table")
                .partitionKey(stringKey(TableSchema.PARTITION_KEY))
                .sortKey(stringKey(TableSchema.SORT_KEY))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .timeToLiveAttribute(TableSchema.TTL_ATTRIBUTE)
                .deletionProtection(true)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        for (TableSchema.Index index : TableSchema.INDEXES) {
            GlobalSecondaryIndexProps.Builder gsi = GlobalSecondaryIndexProps.builder()
                    .indexName(index.name())
                    .partitionKey(stringKey(index.partitionKey()))
                    .projectionType(ProjectionType.ALL);
            if (index.sortKey() != null) {
                gsi.sortKey(stringKey(index.sortKey()));
            }
            t.addGlobalSecondaryIndex(gsi.build());
        }
        return t;
    }

    private HttpApi httpApi(DollyConfig config) {
        LogGroup accessLogs = LogGroup.Builder.create(this, "ApiAccessLogs")
                .retention(retention(config.logRetentionDays()))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        HttpApi httpApi = HttpApi.Builder.create(this, "HttpApi")
                .apiName(config.stackName())
                .description("Dolly: Slack requests, CI webhooks, agent callbacks, the user API")
                .createDefaultStage(false)
                .build();
        HttpStage stage = httpApi.addStage("DefaultStage", HttpStageOptions.builder()
                .stageName("$default")
                .autoDeploy(true)
                .throttle(ThrottleSettings.builder()
                        .rateLimit(config.apiRateLimit())
                        .burstLimit(config.apiBurstLimit())
                        .build())
                .accessLogSettings(new IAccessLogSettings() {
                    @Override
                    public IAccessLogDestination getDestination() {
                        return new LogGroupLogDestination(accessLogs);
                    }
                })
                .build());
        for (Map.Entry<String, String> route : ROUTES.entrySet()) {
            IFunction target = functions.aliases.get(route.getValue());
            String[] methodAndPath = route.getKey().split(" ", 2);
            httpApi.addRoutes(AddRoutesOptions.builder()
                    .path(methodAndPath[1])
                    .methods(List.of(HttpMethod.valueOf(methodAndPath[0])))
                    .integration(new HttpLambdaIntegration(camel(route.getValue()) + "Integration", target))
                    .build());
        }
        return httpApi;
    }

    private static Attribute stringKey(String name) {
        return Attribute.builder().name(name).type(AttributeType.STRING).build();
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    private static String camel(String s) {
        StringBuilder out = new StringBuilder();
        boolean upper = true;
        for (char c : s.toCharArray()) {
            if (c == '-' || c == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    /** A log retention in days as CDK's enum (DollyConfig has validated the number). */
    static RetentionDays retention(int days) {
        return switch (days) {
            case 1 -> RetentionDays.ONE_DAY;
            case 3 -> RetentionDays.THREE_DAYS;
            case 5 -> RetentionDays.FIVE_DAYS;
            case 7 -> RetentionDays.ONE_WEEK;
            case 14 -> RetentionDays.TWO_WEEKS;
            case 30 -> RetentionDays.ONE_MONTH;
            case 60 -> RetentionDays.TWO_MONTHS;
            case 90 -> RetentionDays.THREE_MONTHS;
            case 120 -> RetentionDays.FOUR_MONTHS;
            case 150 -> RetentionDays.FIVE_MONTHS;
            case 180 -> RetentionDays.SIX_MONTHS;
            case 365 -> RetentionDays.ONE_YEAR;
            case 400 -> RetentionDays.THIRTEEN_MONTHS;
            case 545 -> RetentionDays.EIGHTEEN_MONTHS;
            case 731 -> RetentionDays.TWO_YEARS;
            case 1096 -> RetentionDays.THREE_YEARS;
            case 1827 -> RetentionDays.FIVE_YEARS;
            case 2192 -> RetentionDays.SIX_YEARS;
            case 2557 -> RetentionDays.SEVEN_YEARS;
            case 2922 -> RetentionDays.EIGHT_YEARS;
            case 3288 -> RetentionDays.NINE_YEARS;
            case 3653 -> RetentionDays.TEN_YEARS;
            default -> throw new IllegalArgumentException("unsupported log retention: " + days + " days");
        };
    }
}
