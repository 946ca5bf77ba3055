package dev.dolly.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code agent:} section of the Dolly YAML plus the templates. {@code secret} is the HMAC key
 * for the API (from the environment variable named by {@code secretEnv}); it also derives the
 * password of the agent's own superuser in every cluster. {@code toString()} masks it. {@code name} is the
 * host's name ({@code agent.name}, default the callback's {@code host}, else {@code agent.host}): the control
 * plane's {@code hosts[].name}, signed into every API request and callback.
 */
public record AgentConfig(
        String host,
        String bindAddress,
        String listenHost,
        int listenPort,
        String pool,
        int portFrom,
        int portTo,
        String image,
        String secretEnv,
        byte[] secret,
        String dockerHost,
        String zfsBinary,
        Path workDir,
        Network network,
        Duration readyTimeout,
        Duration buildReadyTimeout,
        long minFreeBytes,
        long buildMemoryBytes,
        long defaultCloneMemoryBytes,
        Duration activityInterval,
        boolean buildMissingTemplates,
        int postgresUid,
        int postgresGid,
        int defaultRetention,
        Map<String, TemplateConfig> templates,
        Callback callback,
        String name,
        Isolation isolation) {

    /**
     * How tenants are kept apart: {@code cloneDefaults} ({@code agent.clone}, see {@link CloneLimits});
     * {@code poolReserve} ({@code agent.poolReserve}, a fraction of the pool that creates, savepoints and
     * refreshes must leave free); {@code dockerNetwork}: the bridge every clone and build container joins
     * (inter-container traffic off; the host firewall from {@code ./dolly setup} drops what leaves it).
     */
    public record Isolation(CloneLimits cloneDefaults, double poolReserve, String dockerNetwork) {
        public static final Isolation DEFAULT = new Isolation(CloneLimits.DEFAULT, 0.10, "dolly");
    }

    /** Where to push job updates and heartbeats ({@code agent.callback}); null: nowhere. */
    public record Callback(java.net.URI url, String host, Duration heartbeat) {}

    /** How clone containers reach the network: their own namespace with a published port, or the host's. */
    public enum Network { BRIDGE, HOST }

    public Optional<TemplateConfig> template(String name) {
        return Optional.ofNullable(templates.get(name));
    }

    public AgentConfig withTemplates(Map<String, TemplateConfig> t) {
        return new AgentConfig(host, bindAddress, listenHost, listenPort, pool, portFrom, portTo, image, secretEnv, secret, dockerHost, zfsBinary,
                workDir, network, readyTimeout, buildReadyTimeout, minFreeBytes, buildMemoryBytes, defaultCloneMemoryBytes,
                activityInterval, buildMissingTemplates, postgresUid, postgresGid, defaultRetention, Map.copyOf(t), callback, name, isolation);
    }

    public AgentConfig withPool(String p) {
        return new AgentConfig(host, bindAddress, listenHost, listenPort, p, portFrom, portTo, image, secretEnv, secret, dockerHost, zfsBinary,
                workDir, network, readyTimeout, buildReadyTimeout, minFreeBytes, buildMemoryBytes, defaultCloneMemoryBytes,
                activityInterval, buildMissingTemplates, postgresUid, postgresGid, defaultRetention, templates, callback, name, isolation);
    }

    public AgentConfig withPorts(int from, int to) {
        return new AgentConfig(host, bindAddress, listenHost, listenPort, pool, from, to, image, secretEnv, secret, dockerHost, zfsBinary,
                workDir, network, readyTimeout, buildReadyTimeout, minFreeBytes, buildMemoryBytes, defaultCloneMemoryBytes,
                activityInterval, buildMissingTemplates, postgresUid, postgresGid, defaultRetention, templates, callback, name, isolation);
    }

    public AgentConfig withListen(String h, int p) {
        return new AgentConfig(host, bindAddress, h, p, pool, portFrom, portTo, image, secretEnv, secret, dockerHost, zfsBinary,
                workDir, network, readyTimeout, buildReadyTimeout, minFreeBytes, buildMemoryBytes, defaultCloneMemoryBytes,
                activityInterval, buildMissingTemplates, postgresUid, postgresGid, defaultRetention, templates, callback, name, isolation);
    }

    public AgentConfig withSecret(byte[] s) {
        return new AgentConfig(host, bindAddress, listenHost, listenPort, pool, portFrom, portTo, image, secretEnv, s.clone(), dockerHost, zfsBinary,
                workDir, network, readyTimeout, buildReadyTimeout, minFreeBytes, buildMemoryBytes, defaultCloneMemoryBytes,
                activityInterval, buildMissingTemplates, postgresUid, postgresGid, defaultRetention, templates, callback, name, isolation);
    }

    public AgentConfig withBuildMissingTemplates(boolean b) {
        return new AgentConfig(host, bindAddress, listenHost, listenPort, pool, portFrom, portTo, image, secretEnv, secret, dockerHost, zfsBinary,
                workDir, network, readyTimeout, buildReadyTimeout, minFreeBytes, buildMemoryBytes, defaultCloneMemoryBytes,
                activityInterval, b, postgresUid, postgresGid, defaultRetention, templates, callback, name, isolation);
    }

    public AgentConfig withMinFreeBytes(long b) {
        return new AgentConfig(host, bindAddress, listenHost, listenPort, pool, portFrom, portTo, image, secretEnv, secret, dockerHost, zfsBinary,
                workDir, network, readyTimeout, buildReadyTimeout, b, buildMemoryBytes, defaultCloneMemoryBytes,
                activityInterval, buildMissingTemplates, postgresUid, postgresGid, defaultRetention, templates, callback, name, isolation);
    }

    public AgentConfig withNetwork(Network n) {
        return new AgentConfig(host, bindAddress, listenHost, listenPort, pool, portFrom, portTo, image, secretEnv, secret, dockerHost, zfsBinary,
                workDir, n, readyTimeout, buildReadyTimeout, minFreeBytes, buildMemoryBytes, defaultCloneMemoryBytes,
                activityInterval, buildMissingTemplates, postgresUid, postgresGid, defaultRetention, templates, callback, name, isolation);
    }

    @Override
    public String toString() {
        return "AgentConfig[host=" + host + ", bindAddress=" + bindAddress + ", listen=" + listenHost + ":" + listenPort + ", pool=" + pool
                + ", ports=" + portFrom + "-" + portTo + ", image=" + image + ", secretEnv=" + secretEnv
                + ", secret=" + (secret == null ? "unset" : "***") + ", network=" + network
                + ", templates=" + templates.keySet() + (callback == null ? "" : ", callback=" + callback.url()) + "]";
    }
}
