package dev.dolly.functions.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.agent.api.RequestIds;
import dev.dolly.agent.api.signing.SigningScheme;
import dev.dolly.functions.store.DeliveryItem;
import dev.dolly.functions.store.DeliveryStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the configured webhook endpoints. {@link #publish} only queues: each delivery is sent by a small
 * pool of sender threads, so a command never waits for a receiver. A delivery is a POST of the event's JSON, signed
 * like the CI webhook ({@code X-Dolly-Timestamp}, {@code X-Dolly-Signature: sha256=hex(HMAC(secret, "<timestamp>.<body>"))},
 * signed afresh on every attempt) with {@code X-Dolly-Event}, {@code X-Dolly-Delivery} (the same on every attempt:
 * receivers drop repeats by it) and {@code X-Request-Id}. A 2xx answer delivers it; anything else (another status, a
 * refused connection, no answer within {@link Retry#timeout}) is retried after {@link Retry#first}, doubling up to
 * {@link Retry#max}, until {@link Retry#attempts} attempts are used. Every delivery is recorded ({@link DeliveryStore}):
 * event, endpoint, attempts, last status, state.
 */
public final class WebhookDeliveries implements Events, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookDeliveries.class);
    public static final String EVENT_HEADER = "X-Dolly-Event";
    public static final String DELIVERY_HEADER = "X-Dolly-Delivery";
    public static final SigningScheme SCHEME = SigningScheme.CI;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How often and how patiently a delivery is tried. */
    public record Retry(Duration first, Duration max, int attempts, Duration timeout) {
        /** 10 attempts over about 17 minutes (2 s, 4 s, … capped at 5 min), each waiting up to 10 s for an answer. */
        public static Retry defaults() {
            return new Retry(Duration.ofSeconds(2), Duration.ofMinutes(5), 10, Duration.ofSeconds(10));
        }

        /** The wait before the next attempt, after {@code done} failed attempts: {@code first × 2^(done-1)}, at most {@code max}. */
        public Duration after(int done) {
            long factor = 1L << Math.min(Math.max(done - 1, 0), 30);
            Duration d = first.multipliedBy(factor);
            return d.compareTo(max) > 0 || d.isNegative() ? max : d;
        }
    }

    private final List<WebhookEndpoint> endpoints;
    private final DeliveryStore store;
    private final Clock clock;
    private final Retry retry;
    private final HttpClient http;
    private final ThreadPoolExecutor senders;
    private final ScheduledExecutorService timer;
    private final ObjectMapper json = dev.dolly.agent.api.AgentJson.mapper();

    public WebhookDeliveries(List<WebhookEndpoint> endpoints, DeliveryStore store, Clock clock, Retry retry) {
        this.endpoints = List.copyOf(endpoints);
        this.store = store;
        this.clock = clock;
        this.retry = retry;
        this.http = HttpClient.newBuilder().connectTimeout(retry.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        AtomicInteger n = new AtomicInteger();
        this.senders = new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "webhook-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.senders.allowCoreThreadTimeOut(true);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "webhook-retries");
            t.setDaemon(true);
            return t;
        });
    }

    public List<WebhookEndpoint> endpoints() { return endpoints; }

    @Override
    public void publish(EventType type, Map<String, Object> data) {
        List<WebhookEndpoint> to = endpoints.stream().filter(e -> e.wants(type)).toList();
        if (to.isEmpty()) return;
        Event event = new Event("evt-" + random(), type.wire(), clock.instant(), RequestIds.current(), data);
        String body = body(event);
        for (WebhookEndpoint endpoint : to) {
            DeliveryItem d = DeliveryItem.create("dlv-" + random(), clock.instant());
            d.setEventId(event.id());
            d.setEventType(event.type());
            d.setEndpoint(endpoint.name());
            d.setRequestId(event.requestId());
            d.setBody(body);
            queue(endpoint, d);
        }
    }

    private void queue(WebhookEndpoint endpoint, DeliveryItem d) {
        try {
            senders.execute(RequestIds.carry(() -> attempt(endpoint, d)));
        } catch (RejectedExecutionException e) {
            d.setState(DeliveryItem.FAILED);
            d.setLastStatus("not queued: too many deliveries pending");
            record(d);
            log.warn("webhook {}: {} {} dropped: too many deliveries pending", endpoint.name(), d.getEventType(), d.getDeliveryId());
        }
    }

    private void attempt(WebhookEndpoint endpoint, DeliveryItem d) {
        try (RequestIds.Scope ignored = RequestIds.scope("delivery", d.getDeliveryId(), "endpoint", endpoint.name())) {
            if (d.getAttempts() == 0) {
                record(d); // PENDING from the first attempt on, even while a receiver keeps it waiting
            }
            d.setAttempts(d.getAttempts() + 1);
            String status = send(endpoint, d);
            d.setLastStatus(status);
            d.setUpdatedAt(clock.instant());
            if (status.startsWith("HTTP 2")) {
                d.setState(DeliveryItem.DELIVERED);
                record(d);
                log.info("webhook {}: {} delivered ({} attempt(s))", endpoint.name(), d.getEventType(), d.getAttempts());
            } else if (d.getAttempts() >= retry.attempts()) {
                d.setState(DeliveryItem.FAILED);
                record(d);
                log.warn("webhook {}: {} not delivered after {} attempts (last: {})", endpoint.name(), d.getEventType(), d.getAttempts(), status);
            } else {
                record(d);
                Duration wait = retry.after(d.getAttempts());
                log.info("webhook {}: {} attempt {} failed ({}); next in {} ms", endpoint.name(), d.getEventType(), d.getAttempts(), status,
                        wait.toMillis());
                if (!timer.isShutdown()) {
                    timer.schedule(RequestIds.carry(() -> queue(endpoint, d)), wait.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    @Override
    public int redrive() {
        // longer than any wait between two attempts of a live sender, so only abandoned deliveries are taken
        java.time.Instant stale = clock.instant().minus(retry.max().plus(retry.timeout().multipliedBy(2)).plusMinutes(1));
        int n = 0;
        for (DeliveryItem d : store.since(clock.instant().minus(Duration.ofDays(1)))) {
            if (!DeliveryItem.PENDING.equals(d.getState()) || d.getUpdatedAt() == null || !d.getUpdatedAt().isBefore(stale)) continue;
            WebhookEndpoint endpoint = endpoints.stream().filter(e -> e.name().equals(d.getEndpoint())).findFirst().orElse(null);
            if (endpoint == null) continue;
            d.setUpdatedAt(clock.instant());
            record(d);
            queue(endpoint, d);
            n++;
        }
        if (n > 0) log.info("webhooks: {} abandoned deliveries queued again", n);
        return n;
    }

    /** One attempt: how it ended, as {@code HTTP <status>}, {@code timeout} or {@code error: <kind>}. */
    private String send(WebhookEndpoint endpoint, DeliveryItem d) {
        long ts = clock.instant().getEpochSecond();
        HttpRequest req;
        try {
            req = HttpRequest.newBuilder(URI.create(endpoint.url()))
                    .timeout(retry.timeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "dolly-webhooks/1")
                    .header(SCHEME.timestampHeader(), Long.toString(ts))
                    .header(SCHEME.signatureHeader(), SCHEME.sign(endpoint.secret(), ts, d.getBody()))
                    .header(EVENT_HEADER, d.getEventType())
                    .header(DELIVERY_HEADER, d.getDeliveryId())
                    .header(RequestIds.HEADER, RequestIds.orMake(d.getRequestId()))
                    .POST(HttpRequest.BodyPublishers.ofString(d.getBody()))
                    .build();
        } catch (IllegalArgumentException e) {
            return "error: bad url";
        }
        try {
            HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
            return "HTTP " + r.statusCode();
        } catch (HttpTimeoutException e) {
            return "timeout";
        } catch (IOException e) {
            return "error: " + e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "error: interrupted";
        }
    }

    private void record(DeliveryItem d) {
        try {
            store.put(d);
        } catch (RuntimeException e) {
            log.warn("delivery {} not recorded: {}", d.getDeliveryId(), e.toString());
        }
    }

    private String body(Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("type", e.type());
        m.put("time", e.time().toString());
        m.put("requestId", e.requestId());
        m.put("data", e.data());
        try {
            return json.writeValueAsString(m);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String random() {
        byte[] b = new byte[10];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Stops sending; deliveries still queued or waiting for a retry stay PENDING in the record. */
    @Override
    public void close() {
        timer.shutdownNow();
        senders.shutdownNow();
    }
}
