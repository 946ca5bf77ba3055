package dev.dolly.slack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Serves a {@link SlackFront} over plain HTTP with the JDK's server, for local runs and the benchmark: every path
 * goes to {@link SlackFront#handle} (which answers 404 for anything but {@value SlackFront#EVENTS_PATH}).
 */
public final class LocalSlackServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private LocalSlackServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts serving {@code front} on {@code address} (port 0 picks a free one) with {@code threads} request threads. */
    public static LocalSlackServer start(SlackFront front, InetSocketAddress address, int threads) throws IOException {
        HttpServer server = HttpServer.create(address, 128);
        ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "dolly-slack-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> serve(front, exchange));
        server.start();
        return new LocalSlackServer(server, executor);
    }

    private static void serve(SlackFront front, HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new HashMap<>(exchange.getRequestHeaders());
            String path = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            SlackHttpResponse response = "POST".equals(exchange.getRequestMethod())
                    ? front.handle(new SlackHttpRequest(path, headers, body))
                    : new SlackHttpResponse(405, Map.of("Content-Type", "application/json"), "{\"error\":\"method not allowed\"}");
            byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    public int port() { return server.getAddress().getPort(); }

    public String url() { return "http://" + server.getAddress().getHostString() + ":" + port() + SlackFront.EVENTS_PATH; }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
