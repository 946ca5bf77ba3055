package dev.dolly.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CloneView;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.api.HealthResponse;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.RefreshRequest;
import dev.dolly.agent.api.RequestIds;
import dev.dolly.agent.api.RequestSigning;
import dev.dolly.agent.api.ResetRequest;
import dev.dolly.agent.api.SavepointRequest;
import dev.dolly.agent.api.SavepointView;
import dev.dolly.agent.api.TemplateView;
import dev.dolly.agent.api.UpdateCloneRequest;
import dev.dolly.agent.api.client.AgentClient;
import dev.dolly.agent.clone.CloneOperations;
import dev.dolly.agent.metrics.Metrics;
import dev.dolly.agent.template.TemplateOperations;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The HTTP layer in-process on a loopback port, over fake operations: signatures, routes, status codes, error bodies. */
class HttpApiTest {
    static final byte[] SECRET = "http-test-secret-0123456789".getBytes(StandardCharsets.UTF_8);
    final List<String> calls = new ArrayList<>();
    /** The request id and clone id in the logging context of each get. */
    final List<String> seen = new ArrayList<>();
    HttpApi api;
    AgentClient client;
    URI base;

    static CloneView view(String id) {
        return new CloneView(id, "shop", "b1", "localhost", 6000, "shop", "u", "u", Instant.EPOCH, null, false, Instant.EPOCH, "ready", 0);
    }

    final CloneOperations clones = new CloneOperations() {
        @Override
        public Created create(CreateCloneRequest r) {
            calls.add("create " + r.cloneId());
            seen.add(MDC.get(RequestIds.MDC_KEY) + " " + MDC.get(RequestIds.CLONE));
            if (r.cloneId().equals("boom")) {
                throw new IllegalStateException("zfs exploded at /secret/path");
            }
            if (r.cloneId().equals("full")) {
                throw new AgentException(ErrorCode.POOL_FULL, "the pool is full");
            }
            return new Created(new CloneCredentials(view(r.cloneId()), "pw-" + r.cloneId()), !r.cloneId().equals("again"));
        }

        @Override
        public List<CloneView> list() { calls.add("list"); return List.of(view("a")); }

        @Override
        public CloneView get(String id) {
            calls.add("get " + id);
            seen.add(MDC.get(RequestIds.MDC_KEY) + " " + MDC.get(RequestIds.CLONE));
            return view(id);
        }

        @Override
        public CloneView update(String id, UpdateCloneRequest r) { calls.add("update " + id + " " + r.protectedClone()); return view(id); }

        @Override
        public CloneView reset(String id, ResetRequest r) { calls.add("reset " + id + " " + (r == null ? null : r.savepoint())); return view(id); }

        @Override
        public CloneCredentials rotatePassword(String id) { calls.add("password " + id); return new CloneCredentials(view(id), "new"); }

        @Override
        public List<SavepointView> savepoints(String id) { calls.add("savepoints " + id); return List.of(); }

        @Override
        public SavepointView savepoint(String id, SavepointRequest r) { calls.add("savepoint " + id + " " + r.name()); return new SavepointView(id, r.name(), Instant.EPOCH); }

        @Override
        public void deleteSavepoint(String id, String sp) { calls.add("delete-savepoint " + id + " " + sp); }

        @Override
        public void destroy(String id) {
            calls.add("destroy " + id);
            if (id.equals("ghost")) {
                throw new AgentException(ErrorCode.UNKNOWN_CLONE, "no clone 'ghost'");
            }
        }
    };

    final TemplateOperations templates = new TemplateOperations() {
        @Override
        public List<TemplateView> templates() { calls.add("templates"); return List.of(new TemplateView("shop", "shop", null, List.of())); }

        @Override
        public JobView refresh(String t, RefreshRequest r) {
            calls.add("refresh " + t);
            return new JobView("j1", t, "RUNNING", "guard", 0, 0, 0, 0, null, Instant.EPOCH, null, null, null, null);
        }

        @Override
        public JobView job(String id) { calls.add("job " + id); return new JobView(id, "shop", "RUNNING", "data", 1, 2, 3, 4, 5L, Instant.EPOCH, null, null, null, null); }

        @Override
        public JobView cancelJob(String id) { calls.add("cancel " + id); return new JobView(id, "shop", "RUNNING", "data", 1, 2, 3, 4, 5L, Instant.EPOCH, null, null, null, null); }
    };

    private final Metrics meters = new Metrics();

    @BeforeEach
    void start() throws Exception {
        api = new HttpApi(clones, templates, () -> new HealthResponse("ok", "h", "dev", 1, 2, 3), () -> "dolly_clones 3\n",
                new RequestSigning.Verifier(SECRET, "h1", Clock.systemUTC()), meters);
        int port = api.start("127.0.0.1", 0);
        base = URI.create("http://127.0.0.1:" + port);
        client = new AgentClient("h1", base, SECRET, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        api.close();
        meters.close();
    }

    @Test
    void requestsAreTimedByRouteTemplateAndSignatureFailuresCountedByReason() throws Exception {
        client.clone("c1");
        client.clone("c1");
        client.reset("c1", null);
        HttpClient http = HttpClient.newHttpClient();
        http.send(HttpRequest.newBuilder(base.resolve("/v1/clones/c9")).build(), HttpResponse.BodyHandlers.ofString());
        http.send(HttpRequest.newBuilder(base.resolve("/no/such/thing")).build(), HttpResponse.BodyHandlers.ofString());
        String t = meters.render();
        assertThat(t).contains("http_server_requests_seconds_count{method=\"GET\",outcome=\"SUCCESS\",status=\"200\",uri=\"/v1/clones/{clone}\"} 2\n")
                .contains("http_server_requests_seconds_count{method=\"POST\",outcome=\"SUCCESS\",status=\"200\",uri=\"/v1/clones/{clone}/reset\"} 1\n")
                .contains("http_server_requests_seconds_count{method=\"GET\",outcome=\"CLIENT_ERROR\",status=\"401\",uri=\"/v1/clones/{clone}\"} 1\n")
                .contains("http_server_requests_seconds_count{method=\"GET\",outcome=\"CLIENT_ERROR\",status=\"400\",uri=\"UNKNOWN\"} 1\n")
                .contains("dolly_signature_failures_total{reason=\"missing\"} 1.0\n")
                .doesNotContain("uri=\"/v1/clones/c1").doesNotContain("/no/such/thing");
    }

    @Test
    void routesAndStatusCodes() {
        assertThat(client.call("POST", "/v1/clones", new CreateCloneRequest("c1", "shop", null, "u", null, false)).status()).isEqualTo(201);
        assertThat(client.call("POST", "/v1/clones", new CreateCloneRequest("again", "shop", null, "u", null, false)).status()).isEqualTo(200);
        assertThat(client.create(new CreateCloneRequest("c2", "shop", null, "u", null, false)).password()).isEqualTo("pw-c2");
        assertThat(client.clones()).hasSize(1);
        assertThat(client.clone("c1").id()).isEqualTo("c1");
        client.update("c1", new UpdateCloneRequest(true, null, null));
        client.reset("c1", "sp1");
        client.reset("c1", null);
        assertThat(client.password("c1").password()).isEqualTo("new");
        client.savepoints("c1");
        assertThat(client.call("POST", "/v1/clones/c1/savepoints", new SavepointRequest("s")).status()).isEqualTo(201);
        assertThat(client.call("DELETE", "/v1/clones/c1/savepoints/s", null).status()).isEqualTo(204);
        assertThat(client.call("DELETE", "/v1/clones/c1", null).status()).isEqualTo(204);
        assertThat(client.templates()).hasSize(1);
        assertThat(client.call("POST", "/v1/templates/shop/refresh", null).status()).isEqualTo(202);
        assertThat(client.job("j1").tablesTotal()).isEqualTo(2);
        assertThat(client.cancelJob("j1").id()).isEqualTo("j1");
        assertThat(calls).containsExactly("create c1", "create again", "create c2", "list", "get c1", "update c1 true",
                "reset c1 sp1", "reset c1 null", "password c1", "savepoints c1", "savepoint c1 s", "delete-savepoint c1 s",
                "destroy c1", "templates", "refresh shop", "job j1", "cancel j1");
    }

    @Test
    void errorsCarryTheirCodeAndStatusAndInternalDetailStaysInTheLog() {
        AgentClient.Answer full = client.call("POST", "/v1/clones", new CreateCloneRequest("full", "shop", null, "u", null, false));
        assertThat(full.status()).isEqualTo(507);
        assertThat(full.body()).contains("\"code\":\"POOL_FULL\"").contains("the pool is full");
        AgentClient.Answer boom = client.call("POST", "/v1/clones", new CreateCloneRequest("boom", "shop", null, "u", null, false));
        assertThat(boom.status()).isEqualTo(500);
        assertThat(boom.body()).contains("INTERNAL").contains("ref ").doesNotContain("/secret/path").doesNotContain("exploded");
        assertThat(client.call("DELETE", "/v1/clones/ghost", null).status()).isEqualTo(404);
        AgentClient.Answer badJson = client.call("POST", "/v1/clones", "not an object");
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.body()).contains("INVALID_REQUEST");
        assertThat(client.call("POST", "/v1/clones", null).body()).contains("needs a JSON body");
        assertThat(client.call("PUT", "/v1/clones/c1", null).body()).contains("no route PUT /v1/clones/c1");
        assertThat(client.call("GET", "/v1/nothing", null).status()).isEqualTo(400);
    }

    @Test
    void signaturesAreRequiredExceptForHealthAndMetrics() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/v1/clones")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("BAD_SIGNATURE").contains("not signed");
        assertThat(calls).isEmpty();
        long old = Instant.now().minusSeconds(600).getEpochSecond();
        r = http.send(HttpRequest.newBuilder(base.resolve("/v1/clones")).header(RequestSigning.TIMESTAMP_HEADER, "" + old)
                .header(RequestSigning.SIGNATURE_HEADER, RequestSigning.sign(SECRET, "GET", "h1", "/v1/clones", old, new byte[0])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("5 minutes");
        // the body is signed: a tampered body is refused
        long ts = Instant.now().getEpochSecond();
        byte[] body = "{\"cloneId\":\"c1\",\"template\":\"shop\",\"owner\":\"u\"}".getBytes(StandardCharsets.UTF_8);
        String sig = RequestSigning.sign(SECRET, "POST", "h1", "/v1/clones", ts, body);
        r = http.send(HttpRequest.newBuilder(base.resolve("/v1/clones")).header(RequestSigning.TIMESTAMP_HEADER, "" + ts)
                .header(RequestSigning.SIGNATURE_HEADER, sig)
                .POST(HttpRequest.BodyPublishers.ofString("{\"cloneId\":\"c2\",\"template\":\"shop\",\"owner\":\"u\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(calls).isEmpty();
        assertThat(http.send(HttpRequest.newBuilder(base.resolve("/v1/health")).build(), HttpResponse.BodyHandlers.ofString()).body())
                .contains("\"status\":\"ok\"");
        HttpResponse<String> m = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(m.body()).isEqualTo("dolly_clones 3\n");
        assertThat(m.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    }

    @Test
    void queryStringsAreSigned() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long ts = Instant.now().getEpochSecond();
        String sigWithoutQuery = RequestSigning.sign(SECRET, "GET", "h1", "/v1/clones", ts, new byte[0]);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/v1/clones?x=1")).header(RequestSigning.TIMESTAMP_HEADER, "" + ts)
                .header(RequestSigning.SIGNATURE_HEADER, sigWithoutQuery).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        String sig = RequestSigning.sign(SECRET, "GET", "h1", "/v1/clones?x=1", ts, new byte[0]);
        r = http.send(HttpRequest.newBuilder(base.resolve("/v1/clones?x=1")).header(RequestSigning.TIMESTAMP_HEADER, "" + ts)
                .header(RequestSigning.SIGNATURE_HEADER, sig).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    /** Opens a raw connection and sends {@code head} (request line and headers, ending with a blank line). */
    private java.net.Socket raw(String head) throws Exception {
        java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort());
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    private static String statusLine(java.net.Socket socket) throws Exception {
        return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    @Test
    void signatureHeadersAreCheckedBeforeTheBodyIsRead() throws Exception {
        // an unsigned request announcing a body it never sends is answered at once, not after the body
        try (java.net.Socket socket = raw("POST /v1/clones HTTP/1.1\r\nHost: agent\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100000\r\n\r\n")) {
            socket.setSoTimeout(3000);
            assertThat(statusLine(socket)).startsWith("HTTP/1.1 401");
        }
        long stale = Instant.now().minusSeconds(600).getEpochSecond();
        try (java.net.Socket socket = raw("POST /v1/clones HTTP/1.1\r\nHost: agent\r\nX-Dolly-Timestamp: " + stale
                + "\r\nX-Dolly-Signature: " + "ab".repeat(32) + "\r\nContent-Length: 100000\r\n\r\n")) {
            socket.setSoTimeout(3000);
            assertThat(statusLine(socket)).startsWith("HTTP/1.1 401");
        }
        assertThat(calls).isEmpty();
    }

    @Test
    void aSlowUploadIsCutOffAtTheReadTimeout() throws Exception {
        byte[] body = "{\"cloneId\":\"slow\",\"template\":\"shop\",\"owner\":\"u\"}".getBytes(StandardCharsets.UTF_8);
        long ts = Instant.now().getEpochSecond();
        String sig = RequestSigning.sign(SECRET, "POST", "h1", "/v1/clones", ts, body);
        long t0 = System.nanoTime();
        boolean cut = false;
        try (java.net.Socket socket = raw("POST /v1/clones HTTP/1.1\r\nHost: agent\r\nContent-Type: application/json\r\n"
                + "X-Dolly-Timestamp: " + ts + "\r\nX-Dolly-Signature: " + sig + "\r\nContent-Length: " + body.length + "\r\n\r\n")) {
            socket.setSoTimeout(1000);
            // one byte a second: the whole body would take longer than the read timeout
            for (int i = 0; i < body.length - 1 && !cut; i++) {
                try {
                    socket.getOutputStream().write(body[i]);
                    socket.getOutputStream().flush();
                    if (socket.getInputStream().read() == -1) {
                        cut = true;
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // the server is still waiting for the body
                } catch (java.io.IOException closed) {
                    cut = true;
                }
            }
        }
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        assertThat(cut).as("the agent closed the connection").isTrue();
        assertThat(seconds).isLessThanOrEqualTo(HttpApi.READ_TIMEOUT_SECONDS + 3);
        assertThat(calls).isEmpty();
        // and the API still answers
        assertThat(client.clones()).hasSize(1);
    }

    @Test
    void aReplayIsRefusedAfterTheAgentRestarts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        api.close();
        java.nio.file.Path file = dir.resolve("replay-memory");
        api = new HttpApi(clones, templates, () -> new HealthResponse("ok", "h", "dev", 1, 2, 3), () -> "",
                new RequestSigning.Verifier(SECRET, "h1", Clock.systemUTC(), new FileReplayMemory(file, Instant.now())));
        base = URI.create("http://127.0.0.1:" + api.start("127.0.0.1", 0));
        long ts = Instant.now().getEpochSecond();
        String sig = RequestSigning.sign(SECRET, "GET", "h1", "/v1/clones", ts, new byte[0]);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/v1/clones")).header(RequestSigning.TIMESTAMP_HEADER, "" + ts)
                .header(RequestSigning.SIGNATURE_HEADER, sig);
        assertThat(http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        api.close();
        // a new agent process on the same state
        api = new HttpApi(clones, templates, () -> new HealthResponse("ok", "h", "dev", 1, 2, 3), () -> "",
                new RequestSigning.Verifier(SECRET, "h1", Clock.systemUTC(), new FileReplayMemory(file, Instant.now())));
        base = URI.create("http://127.0.0.1:" + api.start("127.0.0.1", 0));
        request.uri(base.resolve("/v1/clones"));
        HttpResponse<String> replay = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.body()).contains("already used");
    }

    // ---------------------------------------------------------------- request ids

    private HttpResponse<String> getWithRequestId(String path, String requestId) throws Exception {
        HttpRequest.Builder b = RequestSigning.signed(HttpRequest.newBuilder(base.resolve(path)), SECRET, Clock.systemUTC(), "GET", "h1", path,
                new byte[0]);
        if (requestId != null) b.header(RequestIds.HEADER, requestId);
        return HttpClient.newHttpClient().send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theCallersRequestIdIsInTheLogContextWithTheCloneAndComesBack() throws Exception {
        HttpResponse<String> r = getWithRequestId("/v1/clones/c-7", "trace-12345678");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue(RequestIds.HEADER)).hasValue("trace-12345678");
        assertThat(seen).containsExactly("trace-12345678 c-7");
    }

    @Test
    void aMalformedOrMissingRequestIdIsReplacedByANewOne() throws Exception {
        HttpResponse<String> bad = getWithRequestId("/v1/clones/c-8", "short");
        HttpResponse<String> none = getWithRequestId("/v1/clones/c-9", null);

        assertThat(bad.headers().firstValue(RequestIds.HEADER).orElseThrow()).matches("req-[0-9a-f]{20}");
        assertThat(none.headers().firstValue(RequestIds.HEADER).orElseThrow()).matches("req-[0-9a-f]{20}");
        assertThat(seen.get(0)).isEqualTo(bad.headers().firstValue(RequestIds.HEADER).orElseThrow() + " c-8");
    }

    @Test
    void theClientSendsTheRequestIdOfItsThread() {
        MDC.put(RequestIds.MDC_KEY, "from-the-caller-1");
        try {
            client.clone("c-10");
        } finally {
            MDC.remove(RequestIds.MDC_KEY);
        }
        assertThat(seen).containsExactly("from-the-caller-1 c-10");
    }

    @Test
    void aCreateLogsUnderTheCloneIdOfItsBody() {
        MDC.put(RequestIds.MDC_KEY, "from-the-caller-2");
        try {
            client.create(new CreateCloneRequest("c-11", "shop", null, "ci:x", null, false));
        } finally {
            MDC.remove(RequestIds.MDC_KEY);
        }
        assertThat(seen).containsExactly("from-the-caller-2 c-11");
    }
}
