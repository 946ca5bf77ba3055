package dev.dolly.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.dolly.control.api.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static dev.dolly.slack.SlackRequests.ALICE;
import static dev.dolly.slack.SlackRequests.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over real HTTP with the local executor hand-off: commands whose control-plane call takes 10 s (an agent
 * operation) are still acked well within Slack's 3 s, and answered through response_url when done.
 */
class AckUnderLoadTest {
    FakeSlack slack;
    FakeCommandPort port;
    ExecutorSlackWorkDispatcher dispatcher;
    LocalSlackServer server;
    SlackRequests requests;

    @BeforeEach
    void setUp() throws Exception {
        slack = new FakeSlack();
        Clock clock = Clock.systemUTC();
        port = new FakeCommandPort(clock);
        dispatcher = ExecutorSlackWorkDispatcher.withThreads(24);
        SlackFront front = new SlackFront(SlackSettings.of(SECRET, "xoxb-test-token", slack.apiUrl()), port, dispatcher, clock);
        server = LocalSlackServer.start(front, new InetSocketAddress("127.0.0.1", 0), 16);
        requests = new SlackRequests(clock, slack.baseUrl());
    }

    @AfterEach
    void tearDown() {
        server.close();
        dispatcher.close();
        slack.close();
    }

    @Test
    void twentyConcurrentTenSecondCreatesAreAckedInTimeAndAnsweredThroughResponseUrl() throws Exception {
        port.slow("create", Duration.ofSeconds(10));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        int n = 20;
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<long[]>> acks = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            SlackHttpRequest r = requests.command("create shop --name shop-load-" + i, ALICE, "load-" + i);
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url())).timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString(r.body()));
            r.headers().forEach((k, v) -> b.header(k, v.get(0)));
            HttpRequest request = b.build();
            acks.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                    long s = System.nanoTime();
                    HttpResponse<String> resp = http.send(request, HttpResponse.BodyHandlers.ofString());
                    return new long[]{resp.statusCode(), System.nanoTime() - s, resp.body().contains("working on it") ? 1 : 0};
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        start.countDown();
        for (CompletableFuture<long[]> f : acks) {
            long[] r = f.get();
            assertThat(r[0]).isEqualTo(200);
            assertThat(Duration.ofNanos(r[1])).isLessThan(Duration.ofSeconds(3));
            assertThat(r[2]).isEqualTo(1);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("all acked long before any work finished").isLessThan(Duration.ofSeconds(5));
        assertThat(slack.calls("/response/load-0")).isEmpty();

        for (int i = 0; i < n; i++) {
            List<LoggedRequest> answers = slack.await("/response/load-" + i, 1, Duration.ofSeconds(30));
            JsonNode body = FakeSlack.json(answers.get(0));
            assertThat(body.path("response_type").asText()).isEqualTo("ephemeral");
            assertThat(body.path("blocks").toString()).contains("shop-load-" + i).contains("is ready");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(port.commands()).filteredOn(c -> c instanceof Command.Create).hasSize(n);
        // the App Home is republished after the answer went to response_url: give the last ones a moment
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (port.commands().stream().filter(c -> c instanceof Command.ListClones).count() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(port.commands()).filteredOn(c -> c instanceof Command.ListClones).as("App Home republished after each create").hasSize(n);
    }
}
