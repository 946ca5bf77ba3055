package dev.dolly.functions;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Runtime settings of the control plane (Spring properties, overridable by environment variables:
 * {@code DOLLY_CONFIG}, {@code DOLLY_DYNAMODB_ENDPOINT}, {@code DOLLY_DYNAMODB_TABLE}, …). What Dolly
 * manages (templates, hosts, grants, CI keys) is in the shared YAML at {@code config}.
 *
 * @param config        the shared dolly.yaml: a path or {@code classpath:…}
 * @param configYaml    the YAML itself (instead of a file; e.g. a Lambda environment variable)
 * @param dynamodb      where state lives
 * @param reaper        sweep settings
 * @param agent         agent call settings
 * @param lambda        self-invocation settings (Slack work on AWS Lambda)
 */
@ConfigurationProperties(prefix = "dolly")
public record DollySettings(String config, String configYaml, Dynamodb dynamodb, Reaper reaper, Agent agent, Lambda lambda,
                            Metrics metrics) {

    public DollySettings {
        dynamodb = dynamodb == null ? new Dynamodb(null, null, null, null) : dynamodb;
        reaper = reaper == null ? new Reaper(null, null, null, true) : reaper;
        agent = agent == null ? new Agent(null, null, null) : agent;
        lambda = lambda == null ? new Lambda(null, null, null) : lambda;
        metrics = metrics == null ? new Metrics(null) : metrics;
    }

    /** @param namespace on Lambda, the CloudWatch namespace of the functions' embedded-metric-format metrics; empty: none */
    public record Metrics(String namespace) {}

    /**
     * @param endpoint  {@code embedded} (DynamoDB Local in this process; the default off Lambda), {@code aws}
     *                  (the default on Lambda), or an endpoint URL
     * @param region    AWS region
     * @param table     table name
     * @param localFile for {@code embedded}: a database file to keep state across restarts (empty: in memory)
     */
    public record Dynamodb(String endpoint, String region, String table, String localFile) {
        public String tableOrDefault() { return table == null || table.isBlank() ? dev.dolly.control.api.TableSchema.DEFAULT_TABLE_NAME : table; }
    }

    /**
     * @param warnBefore    how long before expiry owners are warned
     * @param interval      how often the local server sweeps (on Lambda, EventBridge invokes {@code reaper})
     * @param heartbeat     how often the local server polls hosts and running refreshes
     * @param localSchedule whether the local server runs the sweeps itself
     */
    public record Reaper(Duration warnBefore, Duration interval, Duration heartbeat, Boolean localSchedule) {
        public Duration warnBeforeOrDefault() { return warnBefore == null ? Duration.ofHours(1) : warnBefore; }
        public Duration intervalOrDefault() { return interval == null ? Duration.ofMinutes(1) : interval; }
        public Duration heartbeatOrDefault() { return heartbeat == null ? Duration.ofSeconds(5) : heartbeat; }
    }

    /**
     * @param quickTimeout   time limit of reads and small changes
     * @param slowTimeout    time limit of create, reset, destroy, savepoint
     * @param breakerOpenFor how long a host's open breaker refuses calls before trying again
     */
    public record Agent(Duration quickTimeout, Duration slowTimeout, Duration breakerOpenFor) {}

    /**
     * @param endpoint     Lambda API endpoint override (tests); empty for AWS
     * @param functionName the function to invoke with deferred Slack work; empty: this function
     *                     ({@code AWS_LAMBDA_FUNCTION_NAME})
     * @param qualifier    the alias or version to invoke ({@code DOLLY_ASYNC_ALIAS}); empty: unqualified
     */
    public record Lambda(String endpoint, String functionName, String qualifier) {}
}
