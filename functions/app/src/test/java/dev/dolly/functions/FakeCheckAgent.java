package dev.dolly.functions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dolly.agent.api.CheckReport;
import dev.dolly.agent.api.CheckRequest;
import dev.dolly.agent.api.CheckView;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CloneView;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.api.ErrorResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small host agent for the control plane's fast tests of the migration check (issue 14): it creates and destroys
 * clones (in memory), starts checks, answers RUNNING for {@link #pollsUntilDone} polls and then DONE with
 * {@link #report}; observe mode's finish answers the report at once. It records what it was asked; every request
 * must carry the agent's signature headers.
 */
public final class FakeCheckAgent implements AutoCloseable {
    private static final ObjectMapper JSON = dev.dolly.agent.api.AgentJson.mapper();
    private final HttpServer server;
    public final List<CreateCloneRequest> creates = new CopyOnWriteArrayList<>();
    public final List<String> destroyed = new CopyOnWriteArrayList<>();
    public final List<CheckRequest> checks = new CopyOnWriteArrayList<>();
    public final List<String> finished = new CopyOnWriteArrayList<>();
    public final AtomicInteger polls = new AtomicInteger();
    public final AtomicInteger unsigned = new AtomicInteger();
    private final Map<String, CheckView> views = new ConcurrentHashMap<>();
    public volatile int pollsUntilDone = 1;
    public volatile CheckReport report = sampleReport();
    /** When set, starting a check is refused with this code. */
    public volatile ErrorCode refuseStart;
    /** When set, the check ends FAILED with this error. */
    public volatile String failWith;
    /** When above 0, the agent "restarts" at this poll: it forgets every check, as the real one (checks live in memory). */
    public volatile int restartAtPoll;

    public FakeCheckAgent() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/", this::handle);
        server.start();
    }

    public String url() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

    /** The hosts section naming this agent h1. */
    public String hostsYaml() {
        return "hosts:\n  - { name: h1, url: \"" + url() + "\", secret: agent-secret }\n";
    }

    private void handle(HttpExchange x) throws IOException {
        try {
            if (x.getRequestHeaders().getFirst("X-Dolly-Signature") == null) unsigned.incrementAndGet();
            String m = x.getRequestMethod();
            String[] p = x.getRequestURI().getPath().split("/");
            byte[] body = x.getRequestBody().readAllBytes();
            if (m.equals("POST") && p.length == 3 && p[2].equals("clones")) {
                CreateCloneRequest r = JSON.readValue(body, CreateCloneRequest.class);
                creates.add(r);
                CloneView v = new CloneView(r.cloneId(), r.template(), r.snapshot() == null ? "s1" : r.snapshot(), "localhost", 6100 + creates.size(),
                        r.template(), "dolly", r.owner(), Instant.now(), r.expiresAt(), false, Instant.now(), "READY", 0, 17);
                send(x, 201, new CloneCredentials(v, "pw-" + r.cloneId()));
            } else if (m.equals("DELETE") && p.length == 4 && p[2].equals("clones")) {
                destroyed.add(p[3]);
                x.sendResponseHeaders(204, -1);
            } else if (m.equals("POST") && p.length == 5 && p[2].equals("clones") && p[4].equals("checks")) {
                CheckRequest r = JSON.readValue(body, CheckRequest.class);
                if (refuseStart != null) {
                    send(x, refuseStart.httpStatus(), new ErrorResponse(refuseStart, "refused by the fake agent"));
                    return;
                }
                checks.add(r);
                CheckView v = new CheckView(r.checkId(), p[3], r.mode(), r.mode().equals("files") ? "RUNNING" : "OBSERVING",
                        Instant.now(), null, null, null);
                views.put(r.checkId(), v);
                send(x, 202, v);
            } else if (m.equals("GET") && p.length == 4 && p[2].equals("checks")) {
                int poll = polls.incrementAndGet();
                if (restartAtPoll > 0 && poll >= restartAtPoll) restart();
                CheckView v = views.get(p[3]);
                if (v == null) {
                    unknownCheck(x, p[3]);
                    return;
                }
                send(x, 200, poll >= pollsUntilDone ? done(v) : v);
            } else if (m.equals("POST") && p.length == 5 && p[2].equals("checks") && p[4].equals("finish")) {
                finished.add(p[3]);
                CheckView v = views.get(p[3]);
                if (v == null) {
                    unknownCheck(x, p[3]);
                    return;
                }
                send(x, 200, done(v));
            } else {
                send(x, 404, new ErrorResponse(ErrorCode.INVALID_REQUEST, "fake agent: no route " + m + " " + x.getRequestURI()));
            }
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            x.close();
        }
    }

    /** What a restarted agent knows of the checks it ran before: nothing. */
    public void restart() {
        views.clear();
    }

    private static void unknownCheck(HttpExchange x, String id) throws IOException {
        send(x, ErrorCode.UNKNOWN_CHECK.httpStatus(), new ErrorResponse(ErrorCode.UNKNOWN_CHECK, "no check '" + id + "' on this host (the last 200 are kept)"));
    }

    private CheckView done(CheckView v) {
        if (failWith != null) return new CheckView(v.id(), v.cloneId(), v.mode(), "FAILED", v.startedAt(), Instant.now(), failWith, null);
        CheckReport r = new CheckReport(v.id(), report.verdict(), report.durationMs(), report.findings(), report.statements(), null, null);
        return new CheckView(v.id(), v.cloneId(), v.mode(), "DONE", v.startedAt(), Instant.now(), null, r);
    }

    private static void send(HttpExchange x, int status, Object body) throws IOException {
        byte[] b = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
    }

    /** An unsafe index on orders: one lint error, probe queries blocked 4.2 s; a row value in an error message. */
    public static CheckReport sampleReport() {
        CheckReport.Finding lint = new CheckReport.Finding("require-concurrent-index-creation", "error", "V7__orders_index.sql",
                "CREATE INDEX orders_customer_idx ON orders (customer_id)", 1, "orders", "ShareLock", 4200L, 4200L, 37,
                "CREATE INDEX without CONCURRENTLY blocks writes to orders while it builds.",
                "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id); outside a transaction.");
        CheckReport.Finding timeout = new CheckReport.Finding("require-lock-timeout", "warning", "V7__orders_index.sql", null, 1, null,
                null, null, null, null, "No lock_timeout: a queued lock would block everything behind it.", "SET lock_timeout = '2s';");
        CheckReport.Finding dup = new CheckReport.Finding("statement-error", "error", "V8__unique_email.sql",
                "CREATE UNIQUE INDEX customers_email_key ON customers (email)", 1, "customers", null, null, null, null,
                "could not create unique index: Key (email)=(ann@example.com) is duplicated; 12 rows in the way", null);
        CheckReport.Statement s1 = new CheckReport.Statement("V7__orders_index.sql", 1,
                "CREATE INDEX orders_customer_idx ON orders (customer_id)", 4300, List.of(new CheckReport.Lock("orders", "ShareLock", 4300)),
                List.of(), 22_000_000, 23_000_000, 4200L, 37, null);
        CheckReport.Statement s2 = new CheckReport.Statement("V8__unique_email.sql", 1,
                "CREATE UNIQUE INDEX customers_email_key ON customers (email)", 900, List.of(), List.of(), 0, 1000, 0L, 0,
                new CheckReport.Error("23505", "could not create unique index \"customers_email_key\" Key (email)=(ann@example.com) is duplicated.",
                        12L));
        return new CheckReport("x", "fail", 5200, List.of(timeout, lint, dup), List.of(s1, s2), null, null);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
