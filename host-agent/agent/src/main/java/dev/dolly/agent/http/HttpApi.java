package dev.dolly.agent.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dolly.agent.AgentException;
import dev.dolly.agent.api.AgentJson;
import dev.dolly.agent.api.AgentPaths;
import dev.dolly.agent.api.CheckRequest;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.api.ErrorResponse;
import dev.dolly.agent.api.HealthResponse;
import dev.dolly.agent.api.RefreshRequest;
import dev.dolly.agent.api.RequestIds;
import dev.dolly.agent.api.RequestSigning;
import dev.dolly.agent.api.ResetRequest;
import dev.dolly.agent.api.SavepointRequest;
import dev.dolly.agent.api.UpdateCloneRequest;
import dev.dolly.agent.check.CheckOperations;
import dev.dolly.agent.clone.CloneOperations;
import dev.dolly.agent.metrics.Metrics;
import dev.dolly.agent.template.TemplateOperations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The agent's versioned JSON API over the JDK HTTP server (routes in {@link AgentPaths}). Every
 * {@code /v1} request except health must carry a valid HMAC signature over method, this host's name, path (with
 * its query, if any), timestamp and body; a replay is rejected. The signature headers are checked before the body
 * is read, and a request must arrive within {@link #READ_TIMEOUT_SECONDS}. Errors are {@link ErrorResponse}
 * bodies with a stable code; internal errors say only "internal error" and a reference, the
 * detail goes to the log.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final int MAX_BODY = 1 << 20;
    private static final java.util.Set<String> METHODS = java.util.Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private final ObjectMapper json = AgentJson.mapper();
    private final CloneOperations clones;
    private final TemplateOperations templates;
    private final Supplier<HealthResponse> health;
    private final Supplier<String> metrics;
    private final RequestSigning.Verifier verifier;
    private final CheckOperations checks;
    private final Metrics meters;
    private HttpServer server;

    /**
     * How long a client has to send a whole request (headers and body) and to read the answer: the JDK server closes
     * the connection after that, so a slow upload cannot hold one of the handler threads. The JDK reads these
     * settings once, when its server class loads; {@code -Dsun.net.httpserver.maxReqTime} overrides them.
     */
    public static final long READ_TIMEOUT_SECONDS = 10;
    public static final long WRITE_TIMEOUT_SECONDS = 30;

    static {
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", Long.toString(READ_TIMEOUT_SECONDS));
        }
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
            System.setProperty("sun.net.httpserver.maxRspTime", Long.toString(WRITE_TIMEOUT_SECONDS));
        }
    }
    private ExecutorService executor;

    public HttpApi(CloneOperations clones, TemplateOperations templates, Supplier<HealthResponse> health, Supplier<String> metrics,
                   RequestSigning.Verifier verifier) {
        this(clones, templates, health, metrics, verifier, null, new Metrics());
    }

    /** {@code checks}: the migration-check routes (null: answered as unknown routes). */
    public HttpApi(CloneOperations clones, TemplateOperations templates, Supplier<HealthResponse> health, Supplier<String> metrics,
                   RequestSigning.Verifier verifier, CheckOperations checks) {
        this(clones, templates, health, metrics, verifier, checks, new Metrics());
    }

    /** {@code meters} times every request by route template and counts signature failures. */
    public HttpApi(CloneOperations clones, TemplateOperations templates, Supplier<HealthResponse> health, Supplier<String> metrics,
                   RequestSigning.Verifier verifier, Metrics meters) {
        this(clones, templates, health, metrics, verifier, null, meters);
    }

    public HttpApi(CloneOperations clones, TemplateOperations templates, Supplier<HealthResponse> health, Supplier<String> metrics,
                   RequestSigning.Verifier verifier, CheckOperations checks, Metrics meters) {
        this.checks = checks;
        this.meters = meters;
        this.clones = clones;
        this.templates = templates;
        this.health = health;
        this.metrics = metrics;
        this.verifier = verifier;
    }

    /** Starts listening; returns the bound port (useful with port 0). */
    public int start(String host, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 128);
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private record Reply(int status, Object body, String contentType) {
        static Reply json(int status, Object body) {
            return new Reply(status, body, "application/json");
        }
    }

    void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        // the caller's request id (or a new one) and the clone, template or job named in the path: in the MDC of every
        // log line of this request, and the id back in the answer
        String requestId = RequestIds.orMake(ex.getRequestHeaders().getFirst(RequestIds.HEADER));
        MDC.put(RequestIds.MDC_KEY, requestId);
        putPathIds(path);
        ex.getResponseHeaders().set(RequestIds.HEADER, requestId);
        try {
            answer(ex, path);
        } finally {
            MDC.clear();
        }
    }

    private static final java.util.regex.Pattern PATH_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private static void putPathIds(String path) {
        String[] s = path.split("/", -1); // "", "v1", resource, name, ...
        if (s.length < 4 || !s[1].equals("v1") || !PATH_NAME.matcher(s[3]).matches()) {
            return;
        }
        switch (s[2]) {
            case "clones" -> MDC.put(RequestIds.CLONE, s[3]);
            case "templates" -> MDC.put(RequestIds.TEMPLATE, s[3]);
            case "jobs" -> MDC.put(RequestIds.JOB, s[3]);
            default -> { }
        }
    }

    private void answer(HttpExchange ex, String path) throws IOException {
        long t0 = System.nanoTime();
        String method = ex.getRequestMethod().toUpperCase();
        String query = ex.getRequestURI().getRawQuery();
        Reply reply;
        try {
            byte[] body;
            if (path.startsWith(AgentPaths.V1 + "/") && !path.equals(AgentPaths.HEALTH)) {
                String ts = ex.getRequestHeaders().getFirst(RequestSigning.TIMESTAMP_HEADER);
                String nonce = ex.getRequestHeaders().getFirst(RequestSigning.NONCE_HEADER);
                String sig = ex.getRequestHeaders().getFirst(RequestSigning.SIGNATURE_HEADER);
                // headers first: an unsigned, malformed or stale request is refused before its body is read
                RequestSigning.Rejection rej = verifier.precheck(ts, nonce, sig);
                if (rej == null) {
                    body = readBody(ex.getRequestBody());
                    rej = verifier.verify(method, query == null ? path : path + "?" + query, ts, nonce, sig, body);
                } else {
                    body = null;
                }
                if (rej != null) {
                    meters.signatureFailure(Metrics.code(rej));
                    ex.getResponseHeaders().set("Connection", "close");
                    throw new AgentException(ErrorCode.BAD_SIGNATURE, signatureMessage(rej));
                }
            } else {
                body = readBody(ex.getRequestBody());
            }
            reply = route(method, path, body);
        } catch (AgentException e) {
            if (e.code() == ErrorCode.INTERNAL) {
                reply = internal(method, path, e);
            } else {
                reply = Reply.json(e.code().httpStatus(), new ErrorResponse(e.code(), e.getMessage()));
                log.info("{} {} -> {} {}", method, path, e.code(), e.getMessage());
            }
        } catch (JsonProcessingException e) {
            reply = Reply.json(400, new ErrorResponse(ErrorCode.INVALID_REQUEST, "the body is not valid JSON for this request: "
                    + e.getOriginalMessage()));
        } catch (RuntimeException e) {
            reply = internal(method, path, e);
        }
        // timed before the answer goes out, so a caller that has its answer finds the request counted
        meters.httpRequest(METHODS.contains(method) ? method : "other", RouteTemplate.of(path), reply.status(), System.nanoTime() - t0);
        send(ex, reply);
        // one line per API call (health and metrics, polled all the time, only at debug)
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (path.equals(AgentPaths.HEALTH) || path.equals(AgentPaths.METRICS)) {
            log.debug("{} {} -> {} in {} ms", method, path, reply.status(), ms);
        } else {
            log.info("{} {} -> {} in {} ms", method, path, reply.status(), ms);
        }
    }

    private Reply internal(String method, String path, Exception e) {
        String ref = UUID.randomUUID().toString().substring(0, 8);
        log.error("{} {} failed (ref {})", method, path, ref, e);
        return Reply.json(500, new ErrorResponse(ErrorCode.INTERNAL, "internal error (ref " + ref + "); the agent log has the details"));
    }

    private static String signatureMessage(RequestSigning.Rejection r) {
        return switch (r) {
            case MISSING -> "request is not signed: send " + RequestSigning.TIMESTAMP_HEADER + " and " + RequestSigning.SIGNATURE_HEADER;
            case MALFORMED_TIMESTAMP -> RequestSigning.TIMESTAMP_HEADER + " must be unix seconds";
            case OUTSIDE_WINDOW -> "request timestamp is more than 5 minutes off the agent's clock: check the caller's clock";
            case BAD_SIGNATURE -> "request signature does not match: sign METHOD\\nHOST\\nPATH\\nTIMESTAMP\\n[NONCE\\n]BODY with this host's"
                    + " secret, HOST being the agent's name (agent.name)";
            case REPLAYED -> "this signature was already used: sign every request afresh, with a new "
                    + RequestSigning.NONCE_HEADER + " when the same request may repeat within a second";
        };
    }

    private Reply route(String method, String path, byte[] body) throws IOException {
        if (path.equals(AgentPaths.METRICS) && method.equals("GET")) {
            return new Reply(200, metrics.get(), Metrics.CONTENT_TYPE);
        }
        if (!path.startsWith(AgentPaths.V1 + "/")) {
            throw noRoute(method, path);
        }
        List<String> s = Arrays.asList(path.substring(AgentPaths.V1.length() + 1).split("/", -1));
        String r0 = s.get(0);
        int n = s.size();
        switch (r0) {
            case "health":
                if (n == 1 && method.equals("GET")) {
                    return Reply.json(200, health.get());
                }
                break;
            case "templates":
                if (n == 1 && method.equals("GET")) {
                    return Reply.json(200, templates.templates());
                }
                if (n == 3 && s.get(2).equals("refresh") && method.equals("POST")) {
                    return Reply.json(202, templates.refresh(s.get(1), parse(body, RefreshRequest.class)));
                }
                break;
            case "jobs":
                if (n == 2 && method.equals("GET")) {
                    return Reply.json(200, templates.job(s.get(1)));
                }
                if (n == 2 && method.equals("DELETE")) {
                    return Reply.json(200, templates.cancelJob(s.get(1)));
                }
                break;
            case "checks":
                if (checks != null && n == 2 && method.equals("GET")) {
                    return Reply.json(200, checks.get(s.get(1)));
                }
                if (checks != null && n == 3 && s.get(2).equals("finish") && method.equals("POST")) {
                    return Reply.json(200, checks.finish(s.get(1)));
                }
                break;
            case "clones":
                if (n == 1 && method.equals("GET")) {
                    return Reply.json(200, clones.list());
                }
                if (n == 1 && method.equals("POST")) {
                    CreateCloneRequest create = require(parse(body, CreateCloneRequest.class));
                    if (create.cloneId() != null && PATH_NAME.matcher(create.cloneId()).matches()) {
                        MDC.put(RequestIds.CLONE, create.cloneId()); // named in the body, not the path
                    }
                    CloneOperations.Created c = clones.create(create);
                    return Reply.json(c.created() ? 201 : 200, c.credentials());
                }
                if (n < 2) {
                    break; // PUT/PATCH/DELETE /v1/clones: no such route (was a 500, found by AgentOpenApiTest)
                }
                String id = s.get(1);
                if (n == 2) {
                    switch (method) {
                        case "GET":
                            return Reply.json(200, clones.get(id));
                        case "PATCH":
                            return Reply.json(200, clones.update(id, require(parse(body, UpdateCloneRequest.class))));
                        case "DELETE":
                            clones.destroy(id);
                            return new Reply(204, null, null);
                        default:
                            break;
                    }
                } else if (n == 3 && s.get(2).equals("reset") && method.equals("POST")) {
                    return Reply.json(200, clones.reset(id, parse(body, ResetRequest.class)));
                } else if (n == 3 && s.get(2).equals("password") && method.equals("POST")) {
                    return Reply.json(200, clones.rotatePassword(id));
                } else if (checks != null && n == 3 && s.get(2).equals("checks") && method.equals("POST")) {
                    return Reply.json(202, checks.start(id, require(parse(body, CheckRequest.class))));
                } else if (n == 3 && s.get(2).equals("savepoints") && method.equals("GET")) {
                    return Reply.json(200, clones.savepoints(id));
                } else if (n == 3 && s.get(2).equals("savepoints") && method.equals("POST")) {
                    return Reply.json(201, clones.savepoint(id, require(parse(body, SavepointRequest.class))));
                } else if (n == 4 && s.get(2).equals("savepoints") && method.equals("DELETE")) {
                    clones.deleteSavepoint(id, s.get(3));
                    return new Reply(204, null, null);
                }
                break;
            default:
                break;
        }
        throw noRoute(method, path);
    }

    private static AgentException noRoute(String method, String path) {
        return new AgentException(ErrorCode.INVALID_REQUEST, "no route " + method + " " + path + " (see AgentPaths for the API)");
    }

    private static <T> T require(T body) {
        if (body == null) {
            throw new AgentException(ErrorCode.INVALID_REQUEST, "this request needs a JSON body");
        }
        return body;
    }

    private <T> T parse(byte[] body, Class<T> type) throws IOException {
        if (body.length == 0) {
            return null;
        }
        return json.readValue(body, type);
    }

    private static byte[] readBody(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int r;
        while ((r = in.read(buf)) > 0) {
            b.write(buf, 0, r);
            if (b.size() > MAX_BODY) {
                throw new AgentException(ErrorCode.INVALID_REQUEST, "request body is larger than 1 MiB");
            }
        }
        return b.toByteArray();
    }

    private void send(HttpExchange ex, Reply reply) throws IOException {
        try (ex) {
            if (reply.body() == null) {
                ex.sendResponseHeaders(reply.status(), -1);
                return;
            }
            byte[] bytes = reply.body() instanceof String str ? str.getBytes(StandardCharsets.UTF_8) : json.writeValueAsBytes(reply.body());
            ex.getResponseHeaders().set("Content-Type", reply.contentType());
            ex.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
