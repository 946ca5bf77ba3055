package dev.dolly.agent.http;

import dev.dolly.agent.api.RequestIds;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.agent.api.AgentJson;
import dev.dolly.agent.api.HealthResponse;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.RequestSigning;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes to the control plane's {@code POST /agent/callback} (optional, {@code agent.callback}):
 * refresh jobs as they start, progress and end (a {@link JobView}), and heartbeats (a
 * {@link HealthResponse}). Each request carries {@code X-Dolly-Host} and is signed with the
 * agent secret over the host's name and the path {@value #SIGNED_PATH} (with a nonce). Delivery is best effort, in
 * the background: the control plane also polls, so a lost push costs only freshness.
 */
public final class CallbackNotifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallbackNotifier.class);
    public static final String HOST_HEADER = RequestSigning.HOST_HEADER;
    public static final String SIGNED_PATH = "/agent/callback";
    private final URI url;
    private final String host;
    private final byte[] secret;
    private final Clock clock;
    private final ObjectMapper json = AgentJson.mapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(200), r -> {
        Thread t = new Thread(r, "callback");
        t.setDaemon(true);
        return t;
    }, new ThreadPoolExecutor.DiscardOldestPolicy());
    private ScheduledExecutorService heartbeats;

    public CallbackNotifier(URI url, String host, byte[] secret, Clock clock) {
        this.url = url;
        this.host = host;
        this.secret = secret.clone();
        this.clock = clock;
    }

    public void job(JobView job) {
        send(job);
    }

    public void heartbeat(HealthResponse health) {
        send(health);
    }

    /** Sends a heartbeat now and then every {@code every}. */
    public synchronized void startHeartbeats(Duration every, Supplier<HealthResponse> health) {
        if (heartbeats != null || every.isZero() || every.isNegative()) {
            return;
        }
        heartbeats = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeats.scheduleWithFixedDelay(() -> {
            try {
                heartbeat(health.get());
            } catch (RuntimeException e) {
                log.debug("heartbeat: {}", e.getMessage());
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void send(Object body) {
        String requestId = RequestIds.current();
        sender.execute(RequestIds.carry(() -> {
            try {
                byte[] bytes = json.writeValueAsBytes(body);
                HttpRequest req = RequestSigning.signed(HttpRequest.newBuilder(url), secret, clock, "POST", host, SIGNED_PATH, bytes)
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .header(RequestIds.HEADER, RequestIds.orMake(requestId))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                        .build();
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 != 2) {
                    log.warn("callback to {} answered {} (check agent.callback and the host's secret in the control plane)", url, r.statusCode());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.debug("callback to {} failed: {}", url, e.getMessage());
            }
        }));
    }

    @Override
    public synchronized void close() {
        if (heartbeats != null) {
            heartbeats.shutdownNow();
        }
        sender.shutdown();
    }
}
