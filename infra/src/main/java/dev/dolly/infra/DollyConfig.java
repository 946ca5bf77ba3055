package dev.dolly.infra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Every deployment parameter of the Dolly stack, read from CDK context ({@code cdk.json},
 * {@code -c key=value}, or {@code CDK_CONTEXT_JSON}). Each key has a default; infra/README.md
 * documents them. Secrets are never parameters: a context key that looks like one is refused.
 *
 * @param stackName             CloudFormation stack name, also the prefix of function names
 * @param account               AWS account id, or null for an environment-agnostic stack
 * @param region                AWS region, or null for an environment-agnostic stack
 * @param availabilityZones     AZs for the VPC (its first two are used); empty = the region's first two, at deploy time
 * @param vpcCidr               the VPC's IPv4 range
 * @param natGateways           NAT gateways (the host and the functions need internet egress, see README)
 * @param interfaceEndpoints    also create interface VPC endpoints for AWS APIs the functions and host call
 * @param instanceType          the ZFS host's EC2 instance type
 * @param amiId                 pin the host's AMI; null = the current Ubuntu 24.04 LTS, resolved at launch
 * @param poolSizeGiB           size of the gp3 EBS volume holding the ZFS pool
 * @param poolIops              gp3 IOPS of the pool volume
 * @param poolThroughputMiBps   gp3 throughput of the pool volume
 * @param poolName              the ZFS pool (and agent dataset root) name
 * @param agentPort             TCP port the host agent listens on
 * @param clonePortFrom         first host port for clone containers
 * @param clonePortTo           last host port for clone containers
 * @param clonePeerCidrs        CIDRs (VPN, peered VPCs) admitted to the clone ports; empty = none
 * @param privateZoneName       private DNS zone in which the host gets a name
 * @param templates             template name → EventBridge Scheduler expression for its refresh
 * @param scheduleTimezone      time zone of cron schedules
 * @param ciKeys                CI key ids; one generated Secrets Manager secret each
 * @param functionsJar          the functions' shaded AWS jar (asset)
 * @param agentJar              the host agent jar (asset, downloaded by the host at boot)
 * @param hostConfig            optional dolly.yaml: the host agent's (asset; null = generated) and, its control-plane
 *                              sections, the functions' DOLLY_CONFIG_YAML (null = none: every command refused)
 * @param lambdaRuntime         "java17" or "java21"
 * @param lambdaMemoryMb        memory of every function
 * @param apiRateLimit          HTTP API steady-state requests per second
 * @param apiBurstLimit         HTTP API burst
 * @param logRetentionDays      retention of every log group (a CloudWatch Logs retention value)
 * @param heartbeatMaxAgeSeconds alarm when the newest host heartbeat is older than this
 * @param alarmEmail            optional e-mail subscribed to the alarm topic
 */
public record DollyConfig(
        String stackName,
        String account,
        String region,
        List<String> availabilityZones,
        String vpcCidr,
        int natGateways,
        boolean interfaceEndpoints,
        String instanceType,
        String amiId,
        int poolSizeGiB,
        int poolIops,
        int poolThroughputMiBps,
        String poolName,
        int agentPort,
        int clonePortFrom,
        int clonePortTo,
        List<String> clonePeerCidrs,
        String privateZoneName,
        Map<String, String> templates,
        String scheduleTimezone,
        List<String> ciKeys,
        Path functionsJar,
        Path agentJar,
        Path hostConfig,
        String lambdaRuntime,
        int lambdaMemoryMb,
        int apiRateLimit,
        int apiBurstLimit,
        int logRetentionDays,
        int heartbeatMaxAgeSeconds,
        String alarmEmail) {

    /** Where the functions module puts its shaded jar for the AWS adapter (relative to infra/). */
    public static final String DEFAULT_FUNCTIONS_JAR = "../functions/app/target/dolly-functions-aws.jar";
    /** Where the host-agent module puts its runnable jar (relative to infra/). */
    public static final String DEFAULT_AGENT_JAR = "../host-agent/agent/target/dolly-host-agent.jar";

    /** Template, CI key and pool names: the same strict pattern the agent applies to names. */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    static final Pattern SCHEDULE = Pattern.compile("(cron|rate|at)\\(.+\\)");
    static final Pattern CIDR = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}");
    static final Pattern STACK_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,39}");
    static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
    /** Context keys that look like they carry a secret value. */
    static final Pattern SECRET_LIKE = Pattern.compile(
            "(?i).*(secret|token|password|passwd|credential|signingkey|privatekey|apikey).*");
    /** The values CloudWatch Logs accepts for a log group's retention. */
    static final Set<Integer> LOG_RETENTIONS = Set.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400,
            545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);

    /** Every context key Dolly reads, with its default (null = none). */
    public static final Map<String, String> KEYS;

    static {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("stackName", "Dolly");
        k.put("account", null);
        k.put("region", null);
        k.put("availabilityZones", null);
        k.put("vpcCidr", "10.40.0.0/16");
        k.put("natGateways", "1");
        k.put("interfaceEndpoints", "false");
        k.put("instanceType", "m6i.large");
        k.put("amiId", null);
        k.put("poolSizeGiB", "200");
        k.put("poolIops", "3000");
        k.put("poolThroughputMiBps", "125");
        k.put("poolName", "dolly");
        k.put("agentPort", "7070");
        k.put("clonePorts", "6000-6099");
        k.put("clonePeerCidrs", null);
        k.put("privateZoneName", "dolly.internal");
        k.put("templates", null);
        k.put("scheduleTimezone", "UTC");
        k.put("ciKeys", "ci");
        k.put("functionsJar", DEFAULT_FUNCTIONS_JAR);
        k.put("agentJar", DEFAULT_AGENT_JAR);
        k.put("hostConfig", null);
        k.put("lambdaRuntime", "java21");
        k.put("lambdaMemoryMb", "1024");
        k.put("apiRateLimit", "50");
        k.put("apiBurstLimit", "100");
        k.put("logRetentionDays", "30");
        k.put("heartbeatMaxAgeSeconds", "600");
        k.put("alarmEmail", null);
        KEYS = java.util.Collections.unmodifiableMap(k);
    }

    /**
     * Reads the configuration through {@code context} (e.g. {@code app.getNode()::tryGetContext}),
     * {@code contextKeys} being every key present (to refuse secret-looking ones).
     *
     * @throws IllegalArgumentException naming the key and what is expected
     */
    public static DollyConfig from(Function<String, Object> context, Collection<String> contextKeys) {
        for (String key : unknownKeys(contextKeys)) {
            if (SECRET_LIKE.matcher(key).matches()) {
                throw new IllegalArgumentException("context key '" + key + "' looks like a secret. Dolly never takes "
                        + "secrets through CDK context (they would end up in the template and cdk.out): deploy, then "
                        + "put the value into the Secrets Manager secret named in the stack outputs with "
                        + "'aws secretsmanager put-secret-value --secret-id <arn> --secret-string ...'");
            }
        }
        Reader r = new Reader(context);
        String stackName = r.string("stackName");
        require(STACK_NAME.matcher(stackName).matches(), "stackName",
                "letters, digits and '-', starting with a letter, at most 40 characters", stackName);
        String region = r.optional("region");
        List<String> azs = r.list("availabilityZones");
        require(azs.isEmpty() || azs.size() >= 2, "availabilityZones", "at least two AZs", azs);
        String cidr = r.string("vpcCidr");
        require(CIDR.matcher(cidr).matches(), "vpcCidr", "an IPv4 CIDR like 10.40.0.0/16", cidr);
        int nat = r.integer("natGateways", 1, 3);
        String runtime = r.string("lambdaRuntime");
        require(runtime.equals("java17") || runtime.equals("java21"), "lambdaRuntime", "java17 or java21", runtime);
        String ports = r.string("clonePorts");
        String[] range = ports.split("-", -1);
        require(range.length == 2 && range[0].matches("\\d+") && range[1].matches("\\d+"), "clonePorts",
                "a port range like 6000-6099", ports);
        int from = Integer.parseInt(range[0]);
        int to = Integer.parseInt(range[1]);
        require(from >= 1024 && from <= to && to <= 65535, "clonePorts", "a range within 1024-65535", ports);
        int agentPort = r.integer("agentPort", 1024, 65535);
        require(agentPort < from || agentPort > to, "agentPort", "a port outside clonePorts " + ports, agentPort);
        List<String> peers = r.list("clonePeerCidrs");
        for (String peer : peers) {
            require(CIDR.matcher(peer).matches(), "clonePeerCidrs", "IPv4 CIDRs like 10.8.0.0/16", peer);
        }
        String poolName = r.string("poolName");
        require(NAME.matcher(poolName).matches(), "poolName", "a name matching " + NAME.pattern(), poolName);
        Map<String, String> templates = r.map("templates");
        for (Map.Entry<String, String> t : templates.entrySet()) {
            require(NAME.matcher(t.getKey()).matches(), "templates", "template names matching " + NAME.pattern(),
                    t.getKey());
            require(SCHEDULE.matcher(t.getValue()).matches(), "templates." + t.getKey(),
                    "an EventBridge Scheduler expression: cron(...), rate(...) or at(...)", t.getValue());
        }
        List<String> ciKeys = r.list("ciKeys");
        for (String id : ciKeys) {
            require(NAME.matcher(id).matches(), "ciKeys", "key ids matching " + NAME.pattern(), id);
        }
        require(new TreeSet<>(ciKeys).size() == ciKeys.size(), "ciKeys", "distinct key ids", ciKeys);
        int retention = r.integer("logRetentionDays", 1, 3653);
        require(LOG_RETENTIONS.contains(retention), "logRetentionDays",
                "one of " + new TreeSet<>(LOG_RETENTIONS), retention);
        int rate = r.integer("apiRateLimit", 1, 10_000);
        int burst = r.integer("apiBurstLimit", 1, 5_000);
        String hostConfig = r.optional("hostConfig");
        return new DollyConfig(
                stackName,
                r.optional("account"),
                region,
                azs,
                cidr,
                nat,
                r.bool("interfaceEndpoints"),
                r.string("instanceType"),
                r.optional("amiId"),
                r.integer("poolSizeGiB", 1, 16_384),
                r.integer("poolIops", 3000, 16_000),
                r.integer("poolThroughputMiBps", 125, 1000),
                poolName,
                agentPort,
                from,
                to,
                peers,
                r.string("privateZoneName"),
                templates,
                r.string("scheduleTimezone"),
                ciKeys,
                Path.of(r.string("functionsJar")),
                Path.of(r.string("agentJar")),
                hostConfig == null ? null : Path.of(hostConfig),
                runtime,
                r.integer("lambdaMemoryMb", 512, 10_240),
                rate,
                burst,
                retention,
                r.integer("heartbeatMaxAgeSeconds", 60, 86_400),
                r.optional("alarmEmail"));
    }

    /**
     * The keys among {@code contextKeys} that look like Dolly parameters (plain identifiers) but are
     * not one. CDK's own keys ({@code @aws-cdk/...} feature flags, {@code aws:cdk:...}, lookups)
     * contain '@', ':' or '/' and are left alone.
     */
    public static List<String> unknownKeys(Collection<String> contextKeys) {
        List<String> unknown = new ArrayList<>();
        for (String key : contextKeys) {
            if (PLAIN_KEY.matcher(key).matches() && !KEYS.containsKey(key)) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    /** The configuration with every default (and no templates). */
    public static DollyConfig defaults() {
        return from(key -> null, List.of());
    }

    private static void require(boolean ok, String key, String expected, Object actual) {
        if (!ok) {
            throw new IllegalArgumentException("context '" + key + "': expected " + expected + ", got '" + actual + "'");
        }
    }

    /** Reads typed values; context values may be JSON values (cdk.json) or strings (-c key=value). */
    private record Reader(Function<String, Object> context) {
        Object raw(String key) {
            Object v = context.apply(key);
            if (v == null || (v instanceof String s && s.isBlank())) {
                return KEYS.get(key);
            }
            return v;
        }

        String optional(String key) {
            Object v = raw(key);
            return v == null ? null : v.toString().trim();
        }

        String string(String key) {
            String v = optional(key);
            if (v == null) {
                throw new IllegalArgumentException("context '" + key + "' is required");
            }
            return v;
        }

        int integer(String key, int min, int max) {
            Object v = raw(key);
            int n;
            if (v instanceof Number num) {
                n = num.intValue();
                require(num.doubleValue() == n, key, "a whole number", v);
            } else {
                try {
                    n = Integer.parseInt(String.valueOf(v).trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("context '" + key + "': expected a whole number, got '" + v + "'");
                }
            }
            require(n >= min && n <= max, key, "a number from " + min + " to " + max, n);
            return n;
        }

        boolean bool(String key) {
            Object v = raw(key);
            if (v instanceof Boolean b) {
                return b;
            }
            String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
            require(s.equals("true") || s.equals("false"), key, "true or false", v);
            return s.equals("true");
        }

        /** A JSON array, or a string of comma-separated items. */
        List<String> list(String key) {
            Object v = raw(key);
            List<String> out = new ArrayList<>();
            if (v == null) {
                return out;
            }
            if (v instanceof Collection<?> c) {
                c.forEach(item -> out.add(String.valueOf(item).trim()));
            } else {
                for (String item : v.toString().split(",")) {
                    if (!item.isBlank()) {
                        out.add(item.trim());
                    }
                }
            }
            return List.copyOf(out);
        }

        /**
         * A JSON object {@code {"shop": "cron(0 3 * * ? *)"}}, or a string
         * {@code shop=cron(0 3 * * ? *);crm=rate(6 hours)} (';' because cron expressions contain ',').
         */
        Map<String, String> map(String key) {
            Object v = raw(key);
            Map<String, String> out = new LinkedHashMap<>();
            if (v == null) {
                return out;
            }
            if (v instanceof Map<?, ?> m) {
                m.forEach((k, val) -> out.put(String.valueOf(k).trim(), String.valueOf(val).trim()));
            } else {
                for (String item : v.toString().split(";")) {
                    if (item.isBlank()) {
                        continue;
                    }
                    int eq = item.indexOf('=');
                    require(eq > 0, key, "name=expression pairs separated by ';'", item.trim());
                    out.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
                }
            }
            return java.util.Collections.unmodifiableMap(out);
        }
    }
}
