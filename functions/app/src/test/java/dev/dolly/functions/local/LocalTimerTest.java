package dev.dolly.functions.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LocalTimerTest {
    @Test
    void aFailingTaskRunsAgainAtItsNextTurn() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch third = new CountDownLatch(3);
        try (LocalTimer timer = new LocalTimer("test-timer")) {
            timer.every("failing", Duration.ZERO, Duration.ofMillis(10), () -> {
                runs.incrementAndGet();
                third.countDown();
                throw new IllegalStateException("boom");
            });
            assertThat(third.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(runs.get()).isGreaterThanOrEqualTo(3);
    }
}
