package dev.dolly.slack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs work on a local executor. {@link SlackFront}'s constructor binds it to {@link SlackFront#runWork} when it is
 * handed an unbound one; {@link #bind} does it by hand.
 */
public final class ExecutorSlackWorkDispatcher implements SlackWorkDispatcher, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExecutorSlackWorkDispatcher.class);

    private final ExecutorService executor;
    private volatile Consumer<SlackWork> target;

    public ExecutorSlackWorkDispatcher(ExecutorService executor) {
        this.executor = executor;
    }

    /** A dispatcher with its own pool of {@code threads} daemon threads named {@code dolly-slack-work-N}. */
    public static ExecutorSlackWorkDispatcher withThreads(int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "dolly-slack-work-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new ExecutorSlackWorkDispatcher(Executors.newFixedThreadPool(threads, factory));
    }

    public ExecutorSlackWorkDispatcher bind(Consumer<SlackWork> target) {
        this.target = target;
        return this;
    }

    boolean isBound() { return target != null; }

    @Override
    public void dispatch(SlackWork work) {
        Consumer<SlackWork> t = target;
        if (t == null) throw new IllegalStateException("dispatcher is not bound to a SlackFront");
        // the work logs under the logging context (request id) of the Slack request that acked it
        java.util.Map<String, String> context = org.slf4j.MDC.getCopyOfContextMap();
        executor.execute(() -> {
            if (context != null) org.slf4j.MDC.setContextMap(context);
            try {
                t.accept(work);
            } catch (RuntimeException e) {
                log.error("Slack work {} failed", work.describe(), e);
            } finally {
                org.slf4j.MDC.clear();
            }
        });
    }

    /** Stops taking work and waits up to 10 s for work under way. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
