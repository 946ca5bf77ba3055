package dev.dolly.functions.agent;

import dev.dolly.agent.api.client.AgentException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** One {@link AgentClient} per configured host, each with its own breaker and bulkhead around its own signed client. */
public final class AgentClients implements AutoCloseable {

    /** Tunables; defaults suit agents whose creates take about a second. */
    public record Settings(Duration quickTimeout, Duration slowTimeout, int retries, Duration retryWait,
                           int breakerWindow, int breakerMinCalls, float breakerFailureRate, Duration breakerOpenFor,
                           int bulkheadConcurrent, Duration bulkheadWait) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(60), 3, Duration.ofMillis(200),
                    10, 4, 50f, Duration.ofSeconds(30), 32, Duration.ofSeconds(2));
        }

        public Settings withTimeouts(Duration quick, Duration slow) {
            return new Settings(quick, slow, retries, retryWait, breakerWindow, breakerMinCalls, breakerFailureRate, breakerOpenFor,
                    bulkheadConcurrent, bulkheadWait);
        }

        public Settings withBreakerOpenFor(Duration d) {
            return new Settings(quickTimeout, slowTimeout, retries, retryWait, breakerWindow, breakerMinCalls, breakerFailureRate, d,
                    bulkheadConcurrent, bulkheadWait);
        }
    }

    /** A host to talk to: name, base URL and HMAC secret. */
    public record Host(String name, String url, String secret) {
        @Override
        public String toString() { return "Host[" + name + " " + url + "]"; }
    }

    private final Map<String, AgentClient> clients = new LinkedHashMap<>();
    // every host's breaker, bulkhead and retry, by name "agent-<host>": what the local server's metrics bind to
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    private final BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
    private final RetryRegistry retries = RetryRegistry.ofDefaults();
    private final ScheduledExecutorService scheduler;

    public AgentClients(Collection<Host> hosts, Settings settings, Clock clock) {
        this.scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "agent-timeouts");
            t.setDaemon(true);
            return t;
        });
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3)).build();
        for (Host h : hosts) {
            if (h.secret() == null || h.secret().isEmpty()) {
                throw new IllegalArgumentException("host " + h.name() + " has no agent secret (set its secretEnv variable, default DOLLY_AGENT_SECRET)");
            }
            CircuitBreaker breaker = breakers.circuitBreaker("agent-" + h.name(), CircuitBreakerConfig.custom()
                    .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                    .slidingWindowSize(settings.breakerWindow())
                    .minimumNumberOfCalls(settings.breakerMinCalls())
                    .failureRateThreshold(settings.breakerFailureRate())
                    .waitDurationInOpenState(settings.breakerOpenFor())
                    .permittedNumberOfCallsInHalfOpenState(1)
                    .recordException(e -> e instanceof AgentException.Unavailable)
                    .ignoreExceptions(AgentException.Refused.class)
                    .build());
            Bulkhead bulkhead = bulkheads.bulkhead("agent-" + h.name(), BulkheadConfig.custom()
                    .maxConcurrentCalls(settings.bulkheadConcurrent()).maxWaitDuration(settings.bulkheadWait()).build());
            Retry retry = retries.retry("agent-" + h.name(), RetryConfig.custom()
                    .maxAttempts(settings.retries())
                    .intervalFunction(IntervalFunction.ofExponentialBackoff(settings.retryWait(), 2.0))
                    .retryOnException(e -> e instanceof AgentException.Unavailable u && !u.rejectedFast())
                    .failAfterMaxAttempts(false)
                    .build());
            TimeLimiter quick = TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(settings.quickTimeout()).cancelRunningFuture(true).build());
            TimeLimiter slow = TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(settings.slowTimeout()).cancelRunningFuture(true).build());
            String url = h.url().endsWith("/") ? h.url().substring(0, h.url().length() - 1) : h.url();
            var signed = new dev.dolly.agent.api.client.AgentClient(h.name(), URI.create(url), h.secret().getBytes(StandardCharsets.UTF_8),
                    http, clock, settings.slowTimeout().plusSeconds(1));
            clients.put(h.name(), new AgentClient(signed, breaker, bulkhead, retry, quick, slow, scheduler));
        }
    }

    public AgentClient get(String host) {
        AgentClient c = clients.get(host);
        if (c == null) {
            throw new AgentException.Unavailable(host, "host " + host + " is not configured (hosts: " + clients.keySet() + ")", null, true);
        }
        return c;
    }

    public CircuitBreakerRegistry breakers() { return breakers; }

    public BulkheadRegistry bulkheads() { return bulkheads; }

    public RetryRegistry retries() { return retries; }

    public boolean knows(String host) { return clients.containsKey(host); }

    public Collection<AgentClient> all() { return clients.values(); }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
