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
        Map<Integer, String> images,
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

    /** The PostgreSQL majors Dolly accepts as sources and clone engines; {@link #TESTED_MAJORS} are the ones tested here. */
    public static final int MIN_MAJOR = 12;
    public static final int MAX_MAJOR = 18;
    public static final java.util.List<Integer> TESTED_MAJORS = java.util.List.of(15, 17, 18);
    /** The major of a seed template that does not say {@code postgres:}. */
    public static final int DEFAULT_MAJOR = 15;

    /**
     * The clone image of PostgreSQL {@code major}: {@code agent.images.<major>} when set, else
     * {@code agent.image} when its tag names that major (or names none and the major is the
     * default), else {@code agent.image}'s repository tagged with the major ({@code dolly/postgres:17}).
     */
    public String imageFor(int major) {
        String explicit = images == null ? null : images.get(major);
        if (explicit != null) {
            return explicit;
        }
        int colon = image.lastIndexOf(':');
        boolean tagged = colon > image.lastIndexOf('/');
        String repo = tagged ? image.substring(0, colon) : image;
        Integer tagMajor = tagged ? ConfigLoader.majorOfTag(image.substring(colon + 1)) : null;
        if (tagMajor != null ? tagMajor == major : major == DEFAULT_MAJOR) {
            return image;
        }
        return repo + ":" + major;
    }

    /** The image a template's clones, build servers and source tools of {@code major} run: the template's own {@code image}, else {@link #imageFor}. */
    public String imageFor(String template, int major) {
        String own = template(template).map(TemplateConfig::image).orElse(null);
        return own != null ? own : imageFor(major);
    }

    public Optional<TemplateConfig> template(String name) {
        return Optional.ofNullable(templates.get(name));
    }

    public AgentConfig withTemplates(Map<String, TemplateConfig> t) {
        return new AgentConfig(host, bindAddress, listenHost, listenPort, pool, portFrom, portTo, image, images, secretEnv, secret, dockerHost, zfsBinary,
                workDir, network, readyTimeout, buildReadyTimeout, minFreeBytes, buildMemoryBytes, defaultCloneMemoryBytes,
                activityInterval, buildMissingTemplates, postgresUid, postgresGid, defaultRetention, Map.copyOf(t), callback, name, isolation);
    }

    public AgentConfig withPool(String p) {
        return new AgentConfig(host, bindAddress, listenHost, listenPort, p, portFrom, portTo, image, images, secretEnv, secret, dockerHost, zfsBinary,
                workDir, network, readyTimeout, buildReadyTimeout, minFreeBytes, buildMemoryBytes, defaultCloneMemoryBytes,
                activityInterval, buildMissingTemplates, postgresUid, postgresGid, defaultRetention, templates, callback, name, isolation);
    }

    public AgentConfig withPorts(int from, int to) {
        return new AgentConfig(host, bindAddress, listenHost, listenPort, pool, from, to, image, images, secretEnv, secret, dockerHost, zfsBinary,
                workDir, network, readyTimeout, buildReadyTimeout, minFreeBytes, buildMemoryBytes, defaultCloneMemoryBytes,
                activityInterval, buildMissingTemplates, postgresUid, postgresGid, defaultRetention, templates, callback, name, isolation);
    }

    public AgentConfig withListen(String h, int p) {
        return new AgentConfig(host, bindAddress, h, p, pool, portFrom, portTo, image, images, secretEnv, secret, dockerHost, zfsBinary,
                workDir, network, readyTimeout, buildReadyTimeout, minFreeBytes, buildMemoryBytes, defaultCloneMemoryBytes,
                activityInterval, buildMissingTemplates, postgresUid, postgresGid, defaultRetention, templates, callback, name, isolation);
    }

    public AgentConfig withSecret(byte[] s) {
        return new AgentConfig(host, bindAddress, listenHost, listenPort, pool, portFrom, portTo, image, images, secretEnv, s.clone(), dockerHost, zfsBinary,
                workDir, network, readyTimeout, buildReadyTimeout, minFreeBytes, buildMemoryBytes, defaultCloneMemoryBytes,
                activityInterval, buildMissingTemplates, postgresUid, postgresGid, defaultRetention, templates, callback, name, isolation);
    }

    public AgentConfig withBuildMissingTemplates(boolean b) {
        return new AgentConfig(host, bindAddress, listenHost, listenPort, pool, portFrom, portTo, image, images, secretEnv, secret, dockerHost, zfsBinary,
                workDir, network, readyTimeout, buildReadyTimeout, minFreeBytes, buildMemoryBytes, defaultCloneMemoryBytes,
                activityInterval, b, postgresUid, postgresGid, defaultRetention, templates, callback, name, isolation);
    }

    public AgentConfig withMinFreeBytes(long b) {
        return new AgentConfig(host, bindAddress, listenHost, listenPort, pool, portFrom, portTo, image, images, secretEnv, secret, dockerHost, zfsBinary,
                workDir, network, readyTimeout, buildReadyTimeout, b, buildMemoryBytes, defaultCloneMemoryBytes,
                activityInterval, buildMissingTemplates, postgresUid, postgresGid, defaultRetention, templates, callback, name, isolation);
    }

    public AgentConfig withNetwork(Network n) {
        return new AgentConfig(host, bindAddress, listenHost, listenPort, pool, portFrom, portTo, image, images, secretEnv, secret, dockerHost, zfsBinary,
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
