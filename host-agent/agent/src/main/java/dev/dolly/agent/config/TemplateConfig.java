package dev.dolly.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One template from the {@code templates:} section. {@code seed} lists SQL files or directories
 * (resolved against the config file's directory) for seed-built templates; {@code source},
 * {@code masking} and {@code refresh} are kept as raw JSON for the live-source refresh to parse
 * (null when absent). {@code postgres} is the clone engine's major ({@code postgres: 17}; null:
 * the source's major for a live source, 15 for a seed); {@code upgradeAllowFailures} names objects
 * an upgrade rehearsal may fail to restore ({@code upgrade: {allowFailures: [...]}}).
 * {@code raw} is the whole template object.
 */
public record TemplateConfig(
        String name,
        String database,
        String description,
        List<Path> seed,
        JsonNode source,
        JsonNode masking,
        JsonNode refresh,
        int retention,
        CloneDefaults cloneDefaults,
        String image,
        String slackChannel,
        Integer postgres,
        List<String> upgradeAllowFailures,
        JsonNode raw) {

    public TemplateConfig {
        seed = seed == null ? List.of() : List.copyOf(seed);
        upgradeAllowFailures = upgradeAllowFailures == null ? List.of() : List.copyOf(upgradeAllowFailures);
    }

    /** Seed and source settings as before; {@code postgres} unset (the default major) and no upgrade allowances. */
    public TemplateConfig(String name, String database, String description, List<Path> seed, JsonNode source, JsonNode masking,
                          JsonNode refresh, int retention, CloneDefaults cloneDefaults, String image, String slackChannel, JsonNode raw) {
        this(name, database, description, seed, source, masking, refresh, retention, cloneDefaults, image, slackChannel, null,
                List.of(), raw);
    }

    /**
     * The PostgreSQL major of this template's clones: {@code postgres:} when set; else the
     * source's major for a live source ({@code sourceMajor}, null before the source was read),
     * else 15.
     */
    public int major(Integer sourceMajor) {
        if (postgres != null) {
            return postgres;
        }
        if (hasSource() && sourceMajor != null) {
            return sourceMajor;
        }
        return AgentConfig.DEFAULT_MAJOR;
    }

    public boolean hasSource() {
        return source != null && !source.isNull() && !source.isMissingNode();
    }

    public boolean hasSeed() {
        return !seed.isEmpty();
    }

    /**
     * Per-clone defaults: TTL hints for the control plane, and what the agent enforces (memory limit,
     * and the {@link CloneLimits}, already merged with the host's defaults).
     */
    public record CloneDefaults(Duration ttl, Duration maxTtl, Duration idle, long memoryBytes, CloneLimits limits) {
        public CloneDefaults(Duration ttl, Duration maxTtl, Duration idle, long memoryBytes, long quotaBytes) {
            this(ttl, maxTtl, idle, memoryBytes, new CloneLimits(CloneLimits.DEFAULT.cpus(), CloneLimits.DEFAULT.pids(), quotaBytes,
                    CloneLimits.DEFAULT.savepoints(), List.of(), true, CloneLimits.OwnerRole.SUPERUSER));
        }

        /** The clone's ZFS {@code quota} (counts its savepoints); 0: none. */
        public long quotaBytes() {
            return limits.quotaBytes();
        }
    }
}
