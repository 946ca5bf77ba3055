package dev.dolly.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.dolly.agent.api.HealthResponse;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.RequestSigning;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Pushes to a stand-in of the control plane's /agent/callback on loopback: signed, with the host header, jobs and heartbeats. */
class CallbackNotifierTest {
    static final byte[] SECRET = "callback-secret-0123456789".getBytes(StandardCharsets.UTF_8);

    @Test
    void pushesSignedJobsAndHeartbeats() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        RequestSigning.Verifier verifier = new RequestSigning.Verifier(SECRET, "h1", Clock.systemUTC());
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/prod/agent/callback", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            var h = ex.getRequestHeaders();
            RequestSigning.Rejection r = verifier.verify("POST", CallbackNotifier.SIGNED_PATH, h.getFirst(RequestSigning.TIMESTAMP_HEADER),
                    h.getFirst(RequestSigning.NONCE_HEADER), h.getFirst(RequestSigning.SIGNATURE_HEADER), body);
            received.add(h.getFirst(CallbackNotifier.HOST_HEADER) + " " + (r == null ? "ok" : r) + " " + new String(body, StandardCharsets.UTF_8));
            ex.sendResponseHeaders(r == null ? 200 : 401, -1);
            ex.close();
        });
        server.start();
        try (CallbackNotifier n = new CallbackNotifier(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/prod/agent/callback"),
                "h1", SECRET, Clock.systemUTC())) {
            JobView job = new JobView("j1", "shop", "RUNNING", "data", 1, 2, 3, 4, 5L, Instant.EPOCH, null, null, null, null);
            n.job(job);
            n.job(job); // the same body twice: a fresh nonce keeps it from looking like a replay
            n.startHeartbeats(Duration.ofSeconds(30), () -> new HealthResponse("ok", "h1", "dev", 1, 2, 3));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (received.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            server.stop(0);
        }
        assertThat(received).hasSize(3).allSatisfy(r -> assertThat(r).startsWith("h1 ok "));
        assertThat(received.get(0)).contains("\"id\":\"j1\"").contains("\"state\":\"RUNNING\"");
        assertThat(received.get(1)).isEqualTo(received.get(0));
        assertThat(received.get(2)).contains("\"poolFreeBytes\":1");
    }
}
