package dev.dolly.functions.agent;

import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CloneView;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.api.HealthResponse;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.SavepointView;
import dev.dolly.agent.api.TemplateView;
import dev.dolly.agent.api.UpdateCloneRequest;
import dev.dolly.agent.api.client.AgentCall;
import dev.dolly.agent.api.client.AgentException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * One host agent as the control plane uses it: the signed {@link dev.dolly.agent.api.client.AgentClient}
 * wrapped in that host's bulkhead, circuit breaker and a time limiter; idempotent calls (see
 * {@link AgentCall}) are retried with the same request, others never. Each call's time, retries
 * included, is added to the calling thread's {@link AgentTiming}.
 */
public final class AgentClient {
    private final dev.dolly.agent.api.client.AgentClient signed;
    private final CircuitBreaker breaker;
    private final Bulkhead bulkhead;
    private final Retry retry;
    private final TimeLimiter quick;
    private final TimeLimiter slow;
    private final ScheduledExecutorService scheduler;

    AgentClient(dev.dolly.agent.api.client.AgentClient signed, CircuitBreaker breaker,
                Bulkhead bulkhead, Retry retry, TimeLimiter quick, TimeLimiter slow, ScheduledExecutorService scheduler) {
        this.signed = signed;
        this.breaker = breaker;
        this.bulkhead = bulkhead;
        this.retry = retry;
        this.quick = quick;
        this.slow = slow;
        this.scheduler = scheduler;
    }

    public String host() { return signed.host(); }

    public CircuitBreaker breaker() { return breaker; }

    /** True when calls are refused at once (breaker open). */
    public boolean unavailable() {
        return breaker.getState() == CircuitBreaker.State.OPEN || breaker.getState() == CircuitBreaker.State.FORCED_OPEN;
    }

    // ---------------------------------------------------------------- API

    public HealthResponse health() { return call(AgentCall.health()); }

    public List<TemplateView> templates() { return call(AgentCall.templates()); }

    public List<CloneView> clones() { return call(AgentCall.clones()); }

    public CloneView clone(String id) { return call(AgentCall.clone(id)); }

    /** Idempotent by clone id: retried with the same id. */
    public CloneCredentials create(CreateCloneRequest request) { return call(AgentCall.create(request)); }

    public CloneView update(String id, UpdateCloneRequest request) { return call(AgentCall.update(id, request)); }

    /** Destroys; an unknown clone counts as destroyed. */
    public void destroy(String id) {
        try {
            call(AgentCall.destroy(id));
        } catch (AgentException.Refused e) {
            if (e.code() != ErrorCode.UNKNOWN_CLONE) throw e;
        }
    }

    public CloneView reset(String id, String savepoint) { return call(AgentCall.reset(id, savepoint)); }

    /** Not idempotent (each call makes a new password): never retried. */
    public CloneCredentials rotatePassword(String id) { return call(AgentCall.password(id)); }

    public SavepointView savepoint(String id, String name) { return call(AgentCall.savepoint(id, name)); }

    /** Idempotent by job id (the agent answers with the running job if one runs). */
    public JobView refresh(String template, String job) { return call(AgentCall.refresh(template, job)); }

    public JobView job(String job) { return call(AgentCall.job(job)); }

    /** Starts a migration check on a clone (idempotent by check id). */
    public dev.dolly.agent.api.CheckView startCheck(String clone, dev.dolly.agent.api.CheckRequest request) {
        return call(AgentCall.startCheck(clone, request));
    }

    public dev.dolly.agent.api.CheckView check(String check) { return call(AgentCall.check(check)); }

    /** Observe mode: stop observing and answer the report (a finished check answers its report again). */
    public dev.dolly.agent.api.CheckView finishCheck(String check) { return call(AgentCall.finishCheck(check)); }

    // ---------------------------------------------------------------- resilience around the signed client

    private <T> T call(AgentCall<T> call) {
        byte[] bytes = signed.encode(call.body());
        TimeLimiter limiter = call.slow() ? slow : quick;
        boolean[] sent = {false};
        Supplier<T> attempt = () -> {
            sent[0] = true;
            return once(call, bytes, limiter);
        };
        Supplier<T> guarded = CircuitBreaker.decorateSupplier(breaker, Bulkhead.decorateSupplier(bulkhead, attempt));
        if (call.idempotent()) {
            guarded = Retry.decorateSupplier(retry, guarded);
        }
        long start = System.nanoTime();
        try {
            return guarded.get();
        } catch (CallNotPermittedException e) {
            throw new AgentException.Unavailable(host(), "host " + host() + " is unavailable (recent calls failed; retrying it shortly)", e, !sent[0]);
        } catch (BulkheadFullException e) {
            throw new AgentException.Unavailable(host(), "host " + host() + " is busy (too many calls in flight)", e, !sent[0]);
        } finally {
            AgentTiming.add(System.nanoTime() - start);
        }
    }

    private <T> T once(AgentCall<T> call, byte[] body, TimeLimiter limiter) {
        Duration limit = limiter.getTimeLimiterConfig().getTimeoutDuration();
        var answer = limiter.executeCompletionStage(scheduler, () -> signed.send(call.method(), call.path(), body, limit.plusSeconds(1)))
                .toCompletableFuture();
        return signed.decode(call, signed.await(answer, call.method(), call.path(), limit));
    }

    @Override
    public String toString() {
        return signed.toString();
    }
}
