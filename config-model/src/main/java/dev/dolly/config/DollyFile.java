package dev.dolly.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * dolly.yaml, read and checked against {@link Schema}: each section typed, durations and sizes parsed, an absent
 * value null (each component applies its own defaults). {@code root} is the checked tree, for the parts a
 * component parses itself (a template's source, masking and refresh options).
 */
public record DollyFile(JsonNode root, Agent agent, Map<String, Template> templates, List<Host> hosts, List<Grant> grants,
                        List<CiKey> ciKeys, Map<String, Object> slack) {

    /** The {@code agent:} section (all null when absent). */
    public record Agent(String host, String bindAddress, String listen, String pool, String ports, String image,
                        String secretEnv, String dockerHost, String zfs, String workDir, String network,
                        Duration readyTimeout, Duration buildReadyTimeout, Long minFree, Long buildMemory, Long cloneMemory,
                        Duration activityInterval, Boolean buildMissingTemplates, Integer postgresUid, Integer postgresGid,
                        Integer retention, Callback callback) {}

    /** {@code agent.callback}: where the agent pushes job updates and heartbeats. */
    public record Callback(String url, String host, Duration heartbeat) {}

    /**
     * One template. {@code seed} as written (relative to the file); {@code source}, {@code masking} and
     * {@code refresh} are the checked subtrees (null when absent); {@code raw} is the whole template.
     */
    public record Template(String name, String database, String description, List<String> seed, JsonNode source,
                           JsonNode masking, JsonNode refresh, Integer retention, Clone cloneDefaults, String image,
                           String slackChannel, JsonNode raw) {
        /** {@code refresh.schedule}, or null. */
        public String refreshSchedule() {
            return refresh == null || !refresh.hasNonNull("schedule") ? null : refresh.get("schedule").asText();
        }
    }

    /** A template's {@code clone:} defaults (each null when not written). */
    public record Clone(Duration ttl, Duration maxTtl, Duration idle, Long memory, Long quota) {}

    /** An agent the control plane talks to. */
    public record Host(String name, String url, String secretEnv, String secret) {
        @Override
        public String toString() {
            return "Host[name=" + name + ", url=" + url + ", secretEnv=" + secretEnv + ", secret=" + (secret == null ? "null" : "***") + "]";
        }
    }

    /** A role bound to subjects on templates, with quotas. */
    public record Grant(String name, String role, List<String> templates, List<String> slackUsers, List<String> slackGroups,
                        List<String> ciKeys, Integer maxClones, Duration maxTtl) {}

    /** A CI key: its public id and the variable holding its secret (or the secret, in test fixtures). */
    public record CiKey(String id, String secretEnv, String secret, String description) {
        @Override
        public String toString() {
            return "CiKey[id=" + id + ", secretEnv=" + secretEnv + ", secret=" + (secret == null ? "null" : "***") + "]";
        }
    }
}
