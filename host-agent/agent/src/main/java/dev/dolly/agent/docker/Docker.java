package dev.dolly.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.dolly.agent.AgentException;
import dev.dolly.agent.api.ErrorCode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one docker-java client per engine, created once on first use (httpclient5 transport) and
 * pinged; a failure to reach the engine is cached and rethrown, so a missing dockerd costs one
 * timeout, not one per call.
 */
public final class Docker {
    private static final Map<String, Docker> INSTANCES = new ConcurrentHashMap<>();
    private final String host;
    private volatile DockerClient client;
    private volatile RuntimeException failure;

    private Docker(String host) {
        this.host = host;
    }

    /** The shared instance for a docker host such as {@code unix:///var/run/docker.sock}. */
    public static Docker forHost(String dockerHost) {
        return INSTANCES.computeIfAbsent(dockerHost, Docker::new);
    }

    public DockerClient client() {
        DockerClient c = client;
        if (c != null) {
            return c;
        }
        synchronized (this) {
            if (client != null) {
                return client;
            }
            if (failure != null) {
                throw failure;
            }
            try {
                DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                        .withDockerHost(host)
                        .build();
                ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                        .dockerHost(config.getDockerHost())
                        .sslConfig(config.getSSLConfig())
                        .maxConnections(200)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .responseTimeout(Duration.ofMinutes(5))
                        .build();
                DockerClient dc = DockerClientImpl.getInstance(config, http);
                dc.pingCmd().exec();
                client = dc;
                return dc;
            } catch (RuntimeException e) {
                failure = new AgentException(ErrorCode.INTERNAL,
                        "cannot reach the Docker engine at " + host + ": " + e.getMessage() + " (is dockerd running? `./dolly setup` starts it)", e);
                throw failure;
            }
        }
    }

    public String host() {
        return host;
    }
}
