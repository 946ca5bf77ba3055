package dev.dolly.functions.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.Harness;
import dev.dolly.functions.store.IdempotencyItem;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine's claim and lease: a dead owner's claim is taken over after its lease; a live owner keeps it. */
class IdempotencyLeaseTest {
    private static final Duration LEASE = Duration.ofSeconds(10);
    private Harness h;
    private final CommandAnswers answers = new CommandAnswers();

    @BeforeEach
    void setUp() {
        h = new Harness(Harness.yaml(""));
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private Idempotency engine(Duration wait) {
        return new Idempotency(h.store, h.clock, LEASE, wait);
    }

    private Instant expires() { return h.clock.instant().plus(Duration.ofHours(24)); }

    @Test
    void aClaimWhoseOwnerDiedIsTakenOverAfterItsLeaseAndTheDeadOwnerCannotOverwriteIt() throws Exception {
        Idempotency first = engine(Duration.ofMillis(200));
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch die = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<CommandResult> dying = CompletableFuture.supplyAsync(() -> first.once("s", "k", "h", expires(), answers, () -> {
            runs.incrementAndGet();
            claimed.countDown();
            try { die.await(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            throw new ThreadDeath(); // the process is gone: nothing after this point ran
        }));
        assertThat(claimed.await(10, TimeUnit.SECONDS)).isTrue();
        first.close(); // killed: its lease is renewed no more

        Idempotency second = engine(Duration.ofMillis(200));
        assertThatThrownBy(() -> second.once("s", "k", "h", expires(), answers, () -> new CommandResult.Done("again")))
                .as("within the lease the claim holds").isInstanceOf(Idempotency.StillRunning.class);
        h.clock.advance(LEASE.plusSeconds(1));
        CommandResult done = second.once("s", "k", "h", expires(), answers, () -> {
            runs.incrementAndGet();
            return new CommandResult.Done("completed by the retry");
        });
        assertThat(done).isEqualTo(new CommandResult.Done("completed by the retry"));

        die.countDown(); // the dead owner's last gasp must not release the retry's record
        assertThat(dying).failsWithin(Duration.ofSeconds(10));
        assertThat(h.store.idempotency("s", "k").getState()).isEqualTo(IdempotencyItem.DONE);
        assertThat(second.once("s", "k", "h", expires(), answers, () -> new CommandResult.Done("third run")))
                .isEqualTo(new CommandResult.Done("completed by the retry"));
        assertThat(runs).hasValue(2);
        second.close();
    }

    @Test
    void theLeaseIsRenewedWhileTheWorkRuns() throws Exception {
        Idempotency live = new Idempotency(h.store, h.clock, Duration.ofMillis(300), Duration.ofMillis(100));
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<CommandResult> running = CompletableFuture.supplyAsync(() -> live.once("s", "r", "h", expires(), answers, () -> {
            claimed.countDown();
            try { finish.await(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            return new CommandResult.Done("first");
        }));
        assertThat(claimed.await(10, TimeUnit.SECONDS)).isTrue();
        Idempotency other = engine(Duration.ofMillis(100));
        for (int i = 0; i < 5; i++) {
            h.clock.advance(Duration.ofMillis(250)); // past the first lease several times over: renewals keep it
            Thread.sleep(250);
            assertThatThrownBy(() -> other.once("s", "r", "h", expires(), answers, () -> new CommandResult.Done("stolen")))
                    .isInstanceOf(Idempotency.StillRunning.class);
        }
        finish.countDown();
        assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo(new CommandResult.Done("first"));
        live.close();
        other.close();
    }

    @Test
    void keptAnswersNameATypeFromAClosedSetAndAnUnknownOneIsRefused() {
        Principal dev = Principal.slackUser("UDEV", Set.of());
        h.seedClone("mine", "slack:UDEV", "shop", null, Duration.ofHours(2));
        h.service.execute(dev, Front.SLACK, new Command.Extend("mine", Duration.ofHours(1)), "slack:t1");
        IdempotencyItem kept = h.store.idempotency("cmd:slack:UDEV", "slack:t1");
        assertThat(kept.getAnswerType()).isEqualTo("CLONE");
        assertThat(kept.getAnswer()).doesNotContain("dev.dolly");
        assertThat(Idempotency.AnswerType.of(new CommandResult.Done("x"))).isEqualTo(Idempotency.AnswerType.DONE);
        // a record naming any other type (a class name, say) is refused, never loaded
        Idempotency e = engine(Duration.ofMillis(100));
        h.store.claim("s", "x", "h", "someone", h.clock.instant().plusSeconds(60), expires());
        h.store.complete("s", "x", "someone", "java.lang.ProcessBuilder", 200, "{}", false);
        assertThatThrownBy(() -> e.once("s", "x", "h", expires(), answers, () -> new CommandResult.Done("y")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("unknown answer type");
        e.close();
    }
}
