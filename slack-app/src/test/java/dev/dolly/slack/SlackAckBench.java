package dev.dolly.slack;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./dolly bench slack}: serves {@link SlackFront} over local HTTP ({@link LocalSlackServer}) and fires rounds of
 * concurrent signed slash commands at it, measuring each ack (request sent → 200 received, signature check and
 * hand-off included) and the time until the deferred answer reaches response_url. A small JDK HTTP server on
 * loopback stands in for Slack (auth.test, usergroups.list, views.publish, response URLs); the command port is the
 * in-memory one from the tests. Bounded: {@code rounds} × {@code concurrency} requests, 5-second timeouts.
 *
 * <p>Args: {@code --out <file>} {@code --rounds N} (default 25, after 10 warm-up rounds) {@code --concurrency N} (default 20).
 */
public final class SlackAckBench {
    private static final List<String> COMMANDS = List.of("list", "show shop-alice", "create shop --name shop-b%d", "reset shop-alice",
            "templates", "help", "extend shop-alice --by 2h", "status", "crate shop", "snapshots shop");

    public static void main(String[] args) throws Exception {
        Path out = Path.of("target/bench/slack.json");
        int rounds = 25, concurrency = 20, warmup = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }

        Map<String, Long> answeredAt = new ConcurrentHashMap<>();
        HttpServer fakeSlack = fakeSlack(answeredAt);
        String base = "http://127.0.0.1:" + fakeSlack.getAddress().getPort();
        Clock clock = Clock.systemUTC();
        FakeCommandPort port = new FakeCommandPort(clock);
        port.add("shop-alice", SlackRequests.ALICE.id());
        ExecutorSlackWorkDispatcher dispatcher = ExecutorSlackWorkDispatcher.withThreads(8);
        SlackFront front = new SlackFront(SlackSettings.of(SlackRequests.SECRET, "xoxb-bench", base + "/api/"), port, dispatcher, clock);
        LocalSlackServer server = LocalSlackServer.start(front, new InetSocketAddress("127.0.0.1", 0), 32);
        SlackRequests requests = new SlackRequests(clock, base);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);

        List<Double> acks = Collections.synchronizedList(new ArrayList<>());
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        long bodyBytes = 0;
        int failures = 0, n = 0;
        try {
            for (int round = 0; round < warmup + rounds; round++) {
                boolean measure = round >= warmup;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Double>> futures = new ArrayList<>();
                for (int c = 0; c < concurrency; c++) {
                    String id = "r" + round + "-" + c;
                    String text = String.format(Locale.ROOT, COMMANDS.get(c % COMMANDS.size()), round * 1000 + c);
                    SlackHttpRequest r = requests.command(text, SlackRequests.ALICE, id);
                    if (measure) bodyBytes += r.body().getBytes(StandardCharsets.UTF_8).length;
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url())).timeout(Duration.ofSeconds(5))
                            .POST(HttpRequest.BodyPublishers.ofString(r.body()));
                    r.headers().forEach((k, v) -> b.header(k, v.get(0)));
                    HttpRequest request = b.build();
                    futures.add(clients.submit(() -> {
                        go.await();
                        long start = System.nanoTime();
                        sentAt.put(id, start);
                        HttpResponse<String> resp = http.send(request, HttpResponse.BodyHandlers.ofString());
                        if (resp.statusCode() != 200) throw new IOException("status " + resp.statusCode());
                        return (System.nanoTime() - start) / 1e9;
                    }));
                }
                go.countDown();
                for (Future<Double> f : futures) {
                    try {
                        double s = f.get(10, TimeUnit.SECONDS);
                        if (measure) {
                            acks.add(s);
                            n++;
                        }
                    } catch (Exception e) {
                        failures++;
                    }
                }
                // wait (bounded) until this burst's deferred answers are in, so each burst is measured on its own
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                String prefix = roundPrefix(round);
                long expected = deferred(concurrency);
                while (System.nanoTime() < deadline && answeredAt.keySet().stream().filter(k -> k.startsWith(prefix)).count() < expected) {
                    Thread.sleep(5);
                }
            }
            Thread.sleep(1000);
        } finally {
            clients.shutdownNow();
            server.close();
            dispatcher.close();
            fakeSlack.stop(0);
        }

        List<Double> answers = new ArrayList<>();
        int firstMeasured = warmup;
        answeredAt.forEach((id, t) -> {
            Long s = sentAt.get(id);
            if (s != null && Integer.parseInt(id.substring(1, id.indexOf('-'))) >= firstMeasured) answers.add((t - s) / 1e9);
        });

        List<String> rows = new ArrayList<>();
        rows.add(row("slack_ack", n == 0 ? 0 : bodyBytes / n, acks));
        rows.add(row("slack_response_url", 0, answers));
        String json = "{\"results\":[" + String.join(",", rows) + "],\"concurrency\":" + concurrency + ",\"rounds\":" + rounds
                + ",\"failures\":" + failures + "}";
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json + "\n");

        System.out.printf(Locale.ROOT, "%-20s %6s %8s %8s %8s %8s %8s%n", "metric", "n", "p50_s", "p95_s", "p99_s", "max_s", "bytes");
        print("slack_ack", acks, n == 0 ? 0 : bodyBytes / n);
        print("slack_response_url", answers, 0);
        double p99 = percentile(acks, 0.99);
        System.out.printf(Locale.ROOT, "%d concurrent × %d rounds, %d failed; target slack_ack p99 ≤ 0.300 s: %s (%.3f s)%n",
                concurrency, rounds, failures, p99 <= 0.3 && failures == 0 ? "met" : "NOT met", p99);
        System.out.println("wrote " + out);
        System.exit(failures == 0 ? 0 : 1);
    }

    private static String roundPrefix(int round) { return "r" + round + "-"; }

    /** How many commands of a burst are answered through response_url (help and typos are answered in the ack). */
    private static long deferred(int concurrency) {
        long n = 0;
        for (int c = 0; c < concurrency; c++) {
            String cmd = COMMANDS.get(c % COMMANDS.size());
            if (!cmd.equals("help") && !cmd.startsWith("crate")) n++;
        }
        return n;
    }

    /** Loopback stand-in for Slack: the Web API methods the work path calls, and response URLs (recording arrival). */
    private static HttpServer fakeSlack(Map<String, Long> answeredAt) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        s.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "fake-slack");
            t.setDaemon(true);
            return t;
        }));
        s.createContext("/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                String path = ex.getRequestURI().getPath();
                String body;
                if (path.startsWith("/response/")) {
                    answeredAt.putIfAbsent(path.substring("/response/".length()), System.nanoTime());
                    body = "ok";
                } else if (path.equals("/api/auth.test")) {
                    body = "{\"ok\":true,\"team_id\":\"T0DOLLY\",\"user_id\":\"U0BOT\",\"bot_id\":\"B0BOT\"}";
                } else if (path.equals("/api/usergroups.list")) {
                    body = "{\"ok\":true,\"usergroups\":[{\"id\":\"S0DEVS\",\"handle\":\"devs\",\"users\":[\"U0ALICE\"],\"user_count\":1}]}";
                } else if (path.equals("/api/views.publish")) {
                    body = "{\"ok\":true,\"view\":{\"id\":\"V0HOME\",\"hash\":\"h\"}}";
                } else {
                    body = "{\"ok\":true}";
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, bytes.length);
                ex.getResponseBody().write(bytes);
            }
        });
        s.start();
        return s;
    }

    private static String row(String metric, long size, List<Double> xs) {
        return String.format(Locale.ROOT, "{\"metric\":\"%s\",\"size_bytes\":%d,\"n\":%d,\"p50_s\":%.4f,\"p95_s\":%.4f,\"p99_s\":%.4f,\"max_s\":%.4f}",
                metric, size, xs.size(), percentile(xs, 0.5), percentile(xs, 0.95), percentile(xs, 0.99), percentile(xs, 1.0));
    }

    private static void print(String metric, List<Double> xs, long size) {
        System.out.printf(Locale.ROOT, "%-20s %6d %8.4f %8.4f %8.4f %8.4f %8d%n", metric, xs.size(), percentile(xs, 0.5),
                percentile(xs, 0.95), percentile(xs, 0.99), percentile(xs, 1.0), size);
    }

    /** Nearest-rank percentile. */
    static double percentile(List<Double> xs, double p) {
        if (xs.isEmpty()) return 0;
        List<Double> sorted = new ArrayList<>(xs);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
