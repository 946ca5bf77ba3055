package dev.dolly.config;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every key of dolly.yaml, the kind of value it holds and which component reads it: the one list the
 * agent, the functions and infra check the file against. Keys a component does not read are accepted
 * (another component reads them); a key in no list is an error with the nearest known key suggested.
 */
public final class Schema {
    /** Who reads a key: the host agent, or the control plane (the functions and, through them, Slack). */
    public enum Reader { AGENT, CONTROL_PLANE }

    /** What a scalar holds; {@link #TEXT_LIST} also takes a single value, {@link #ANY} is not checked (data, such as masking tables). */
    public enum Kind { TEXT, INTEGER, NUMBER, BOOLEAN, DURATION, SIZE, TEXT_LIST, ANY }

    /** The shape of a value. */
    public sealed interface Shape permits Scalar, Fields, Named, Items {}

    /** A scalar (or list of scalars) of one kind. */
    public record Scalar(Kind kind) implements Shape {}

    /** A map with known keys. */
    public record Fields(Map<String, Key> keys) implements Shape {
        public Fields {
            keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        }

        /** The keys {@code reader} reads, in file order. */
        public List<String> readBy(Reader reader) {
            return keys.entrySet().stream().filter(e -> e.getValue().readers().contains(reader)).map(Map.Entry::getKey).toList();
        }

        public Fields fields(String key) {
            return (Fields) keys.get(key).shape();
        }
    }

    /** A map of names the operator chooses (template names), each value of one shape. */
    public record Named(Shape value) implements Shape {}

    /** A list, each item of one shape. */
    public record Items(Shape item) implements Shape {}

    /** A known key: the shape of its value and who reads it. */
    public record Key(Shape shape, Set<Reader> readers) {}

    private static final Set<Reader> AGENT = EnumSet.of(Reader.AGENT);
    private static final Set<Reader> CONTROL = EnumSet.of(Reader.CONTROL_PLANE);
    private static final Set<Reader> BOTH = EnumSet.allOf(Reader.class);

    /** The {@code clone:} defaults of a template. */
    public static final Fields CLONE = fields(EnumSet.allOf(Reader.class),
            "ttl", Kind.DURATION, "maxTtl", Kind.DURATION, "idle", Kind.DURATION, "memory", Kind.SIZE, "quota", Kind.SIZE,
            // what confines a clone (the agent's CloneLimits): host defaults under agent.clone, a template's win
            "cpus", Kind.NUMBER, "pids", Kind.INTEGER, "savepoints", Kind.INTEGER, "capAdd", Kind.TEXT_LIST,
            "readOnlyRoot", Kind.BOOLEAN, "ownerRole", Kind.TEXT,
            // warm spares per template: the agent keeps that many clones of the current snapshot running, ownerless
            "spares", Kind.INTEGER);

    /**
     * A migration check's settings (issue 14), per template and per CI key (a key's win): the verdict's thresholds
     * (fail when probe queries were blocked longer than {@code failBlocked}; warn on a rewrite of a table over
     * {@code warnRewrite}), the probe workload, and the Slack channel a CI key's checks are posted to.
     */
    public static final Fields CHECK = new Fields(keys(
            "thresholds", new Key(fields(CONTROL, "failBlocked", Kind.DURATION, "warnRewrite", Kind.SIZE), CONTROL),
            "probe", new Key(fields(CONTROL, "sessions", Kind.INTEGER, "rate", Kind.INTEGER, "longTransaction", Kind.BOOLEAN), CONTROL),
            "slackChannel", key(Kind.TEXT, CONTROL)));

    /** A template: the agent builds and refreshes it, the control plane serves its clones. */
    public static final Fields TEMPLATE = new Fields(keys(
            "database", key(Kind.TEXT, BOTH),
            "description", key(Kind.TEXT, BOTH),
            "seed", key(Kind.TEXT_LIST, AGENT),
            "source", new Key(fields(AGENT, "host", Kind.TEXT, "port", Kind.INTEGER, "database", Kind.TEXT, "user", Kind.TEXT,
                    "passwordEnv", Kind.TEXT, "sslmode", Kind.TEXT, "systemIdentifier", Kind.TEXT, "connectTimeout", Kind.INTEGER), AGENT),
            // the masking rules are the agent's masking engine's to check (MaskingConfig), with its own messages
            "masking", key(Kind.ANY, AGENT),
            "retention", key(Kind.INTEGER, AGENT),
            "clone", new Key(CLONE, BOTH),
            "refresh", new Key(new Fields(keys(
                    "schedule", key(Kind.TEXT, CONTROL),
                    "workers", key(Kind.INTEGER, AGENT),
                    "roles", key(Kind.BOOLEAN, AGENT),
                    "stripManagedOptions", key(Kind.BOOLEAN, AGENT),
                    "largeObjects", key(Kind.TEXT, AGENT),
                    "schemas", key(Kind.TEXT_LIST, AGENT),
                    "excludeSchemas", key(Kind.TEXT_LIST, AGENT),
                    "excludeTables", key(Kind.TEXT_LIST, AGENT),
                    "pgBin", key(Kind.TEXT, AGENT),
                    "analyze", key(Kind.BOOLEAN, AGENT))), BOTH),
            "image", key(Kind.TEXT, AGENT),
            // the PostgreSQL major its clones run (15, 17, 18; the agent checks the range) and what an upgrade rehearsal may fail
            "postgres", key(Kind.TEXT, AGENT),
            "upgrade", new Key(fields(AGENT, "allowFailures", Kind.TEXT_LIST), AGENT),
            "slackChannel", key(Kind.TEXT, CONTROL),
            "check", new Key(CHECK, CONTROL)));

    /** The {@code agent:} section. */
    public static final Fields AGENT_SECTION = new Fields(keys(
            "host", key(Kind.TEXT, AGENT),
            "name", key(Kind.TEXT, AGENT),
            "bindAddress", key(Kind.TEXT, AGENT),
            "listen", key(Kind.TEXT, AGENT),
            "pool", key(Kind.TEXT, AGENT),
            "ports", key(Kind.TEXT, AGENT),
            "image", key(Kind.TEXT, AGENT),
            // the image per PostgreSQL major, when not <image repository>:<major>
            "images", new Key(new Named(new Scalar(Kind.TEXT)), AGENT),
            "secretEnv", key(Kind.TEXT, AGENT),
            "dockerHost", key(Kind.TEXT, AGENT),
            "zfs", key(Kind.TEXT, AGENT),
            "workDir", key(Kind.TEXT, AGENT),
            "network", key(Kind.TEXT, AGENT),
            "readyTimeout", key(Kind.DURATION, AGENT),
            "buildReadyTimeout", key(Kind.DURATION, AGENT),
            "minFree", key(Kind.SIZE, AGENT),
            "buildMemory", key(Kind.SIZE, AGENT),
            "cloneMemory", key(Kind.SIZE, AGENT),
            "activityInterval", key(Kind.DURATION, AGENT),
            "buildMissingTemplates", key(Kind.BOOLEAN, AGENT),
            "postgresUid", key(Kind.INTEGER, AGENT),
            "postgresGid", key(Kind.INTEGER, AGENT),
            "retention", key(Kind.INTEGER, AGENT),
            "clone", new Key(CLONE, AGENT),
            "poolReserve", key(Kind.TEXT, AGENT),
            "callback", new Key(fields(AGENT, "url", Kind.TEXT, "host", Kind.TEXT, "heartbeat", Kind.DURATION), AGENT)));

    /** The whole file. */
    public static final Fields FILE = new Fields(keys(
            "agent", new Key(AGENT_SECTION, AGENT),
            "templates", new Key(new Named(TEMPLATE), BOTH),
            "hosts", new Key(new Items(fields(CONTROL, "name", Kind.TEXT, "url", Kind.TEXT, "secretEnv", Kind.TEXT,
                    "secret", Kind.TEXT)), CONTROL),
            "grants", new Key(new Items(fields(CONTROL, "name", Kind.TEXT, "role", Kind.TEXT, "templates", Kind.TEXT_LIST,
                    "slackUsers", Kind.TEXT_LIST, "slackGroups", Kind.TEXT_LIST, "ciKeys", Kind.TEXT_LIST,
                    "maxClones", Kind.INTEGER, "maxTtl", Kind.DURATION)), CONTROL),
            "ciKeys", new Key(new Items(new Fields(keys("id", key(Kind.TEXT, CONTROL), "secretEnv", key(Kind.TEXT, CONTROL),
                    "secret", key(Kind.TEXT, CONTROL), "description", key(Kind.TEXT, CONTROL), "check", new Key(CHECK, CONTROL)))), CONTROL),
            "slack", new Key(fields(CONTROL, "command", Kind.TEXT, "channel", Kind.TEXT, "signingSecretEnv", Kind.TEXT,
                    "botTokenEnv", Kind.TEXT, "apiUrl", Kind.TEXT, "groupCacheTtl", Kind.DURATION), CONTROL),
            // event webhooks out: receivers of clone, refresh, quota and pool events, and how deliveries are retried
            "events", new Key(new Fields(keys(
                    "webhooks", new Key(new Items(fields(CONTROL, "name", Kind.TEXT, "url", Kind.TEXT, "secretEnv", Kind.TEXT,
                            "secret", Kind.TEXT, "events", Kind.TEXT_LIST)), CONTROL),
                    "firstRetry", key(Kind.DURATION, CONTROL),
                    "maxRetry", key(Kind.DURATION, CONTROL),
                    "attempts", key(Kind.INTEGER, CONTROL),
                    "timeout", key(Kind.DURATION, CONTROL))), CONTROL)));

    private Schema() {}

    private static Key key(Kind kind, Set<Reader> readers) {
        return new Key(new Scalar(kind), readers);
    }

    /** Fields read by {@code readers}: alternating key names and kinds. */
    private static Fields fields(Set<Reader> readers, Object... nameKind) {
        Map<String, Key> m = new LinkedHashMap<>();
        for (int i = 0; i < nameKind.length; i += 2) {
            m.put((String) nameKind[i], key((Kind) nameKind[i + 1], readers));
        }
        return new Fields(m);
    }

    private static Map<String, Key> keys(Object... nameKey) {
        Map<String, Key> m = new LinkedHashMap<>();
        for (int i = 0; i < nameKey.length; i += 2) {
            m.put((String) nameKey[i], (Key) nameKey[i + 1]);
        }
        return m;
    }
}
