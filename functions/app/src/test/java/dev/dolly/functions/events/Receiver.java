package dev.dolly.functions.events;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.IntUnaryOperator;

/**
 * A webhook receiver for tests (the JDK's HTTP server): records every request it gets, and answers the n-th (from 1)
 * with the status {@code answer} gives for n; a status of 0 hangs (until {@link #close}).
 */
final class Receiver implements AutoCloseable {
    record Got(Map<String, String> headers, String body) {
        String header(String name) { return headers.get(name); }
    }

    private final HttpServer server;
    private final List<Got> got = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    Receiver(IntUnaryOperator answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", ex -> {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            got.add(new Got(headers, body));
            int status = answer.applyAsInt(got.size());
            if (status == 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                status = 200;
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/dolly";
    }

    List<Got> got() {
        return List.copyOf(got);
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
