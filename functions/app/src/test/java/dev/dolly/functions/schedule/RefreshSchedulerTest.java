package dev.dolly.functions.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandPort;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.Harness;
import dev.dolly.functions.store.ScheduleItem;
import dev.dolly.functions.store.TemplateItem;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Local refresh schedules over the real store (DynamoDB Local) with a controlled clock: a template on
 * {@code rate(1 minute)} refreshes once per period, a stop and start after missed periods makes them up
 * once, and a running refresh is never doubled.
 */
class RefreshSchedulerTest {
    private Harness h;
    private final List<String> started = new ArrayList<>();
    private int unavailable;
    private final CommandPort recorder = new CommandPort() {
        @Override
        public CommandResult execute(Principal p, Front front, Command c, String idempotencyKey) {
            assertThat(idempotencyKey).startsWith("schedule:shop:");
            assertThat(p).isEqualTo(Principal.scheduler());
            assertThat(front).isEqualTo(Front.SCHEDULE);
            String t = ((Command.Refresh) c).template();
            if (unavailable > 0) {
                unavailable--;
                throw new DollyException(ErrorKind.UNAVAILABLE, "No healthy host");
            }
            started.add(t);
            return new CommandResult.RefreshInfo(t, "job-" + started.size(), "RUNNING", "copy", 0, 0, 0, null, null, null);
        }
    };

    @BeforeEach
    void setUp() {
        h = new Harness(Harness.yaml(""));
        h.clock.set(Instant.parse("2026-03-02T10:00:10Z"));
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private RefreshScheduler scheduler(String expression) {
        return new RefreshScheduler(Map.of("shop", expression), ZoneOffset.UTC, h.store, recorder, h.clock);
    }

    @Test
    void rateOneMinuteRefreshesOncePerPeriod() {
        RefreshScheduler s = scheduler("rate(1 minute)");
        assertThat(s.tick()).isZero(); // first sight: waits for the next slot
        h.clock.advance(Duration.ofSeconds(30));
        assertThat(s.tick()).isZero();
        h.clock.advance(Duration.ofSeconds(30));
        assertThat(s.tick()).isEqualTo(1);
        assertThat(s.tick()).isZero(); // the same slot never runs twice
        h.clock.advance(Duration.ofSeconds(15));
        assertThat(s.tick()).isZero();
        h.clock.advance(Duration.ofSeconds(45));
        assertThat(s.tick()).isEqualTo(1);
        assertThat(started).containsExactly("shop", "shop");
        ScheduleItem item = h.store.schedule("shop");
        assertThat(item.getLastOutcome()).isEqualTo("started job job-2");
        assertThat(item.getNextRunAt()).isEqualTo(Instant.parse("2026-03-02T10:03:10Z"));
    }

    @Test
    void aStopAndStartAfterMissedPeriodsCatchesUpExactlyOnce() {
        RefreshScheduler before = scheduler("rate(1 minute)");
        before.tick();
        h.clock.advance(Duration.ofMinutes(1));
        assertThat(before.tick()).isEqualTo(1);
        // the stack is down for three and a half periods, then a new process starts over the same state
        h.clock.advance(Duration.ofSeconds(210));
        RefreshScheduler after = scheduler("rate(1 minute)");
        assertThat(after.tick()).isEqualTo(1);
        assertThat(after.tick()).isZero();
        h.clock.advance(Duration.ofSeconds(20));
        assertThat(after.tick()).isZero(); // next slot: 10:05:10, not yet
        h.clock.advance(Duration.ofSeconds(10));
        assertThat(after.tick()).isEqualTo(1);
        assertThat(started).hasSize(3);
    }

    @Test
    void neverStartsARefreshWhileOneOfTheSameTemplateRuns() {
        RefreshScheduler s = scheduler("rate(1 minute)");
        s.tick();
        TemplateItem t = TemplateItem.create("shop");
        t.setRefreshState("RUNNING");
        t.setRefreshJob("manual-1");
        h.store.putTemplate(t);
        h.clock.advance(Duration.ofMinutes(1));
        assertThat(s.tick()).isZero();
        assertThat(started).isEmpty();
        assertThat(h.store.schedule("shop").getLastOutcome()).contains("skipped");
        // the skipped slot is not queued: once the refresh is done, the next slot runs
        t = h.store.template("shop");
        t.setRefreshState("READY");
        h.store.putTemplate(t);
        assertThat(s.tick()).isZero();
        h.clock.advance(Duration.ofMinutes(1));
        assertThat(s.tick()).isEqualTo(1);
    }

    @Test
    void aCatchUpThatFindsNoHealthyHostYetIsTriedAgainOnTheNextTick() {
        RefreshScheduler s = scheduler("rate(1 minute)");
        s.tick();
        h.clock.advance(Duration.ofMinutes(5)); // down, then started before the agent's first heartbeat
        unavailable = 2;
        assertThat(s.tick()).isZero();
        assertThat(h.store.schedule("shop").getLastOutcome()).contains("No healthy host");
        h.clock.advance(Duration.ofSeconds(15));
        assertThat(s.tick()).isZero();
        h.clock.advance(Duration.ofSeconds(15));
        assertThat(s.tick()).isEqualTo(1);
        assertThat(s.tick()).isZero();
        assertThat(started).containsExactly("shop");
    }

    @Test
    void cronExpressionsAreEventBridges() {
        RefreshSchedule nightly = RefreshSchedule.parse("cron(0 3 * * ? *)", ZoneOffset.UTC);
        assertThat(nightly.nextAfter(Instant.parse("2026-03-02T10:00:00Z"))).isEqualTo(Instant.parse("2026-03-03T03:00:00Z"));
        // 1 = Sunday, as in EventBridge; L = last
        RefreshSchedule sundays = RefreshSchedule.parse("cron(30 1 ? * 1 *)", ZoneOffset.UTC);
        assertThat(sundays.nextAfter(Instant.parse("2026-03-02T10:00:00Z"))).isEqualTo(Instant.parse("2026-03-08T01:30:00Z"));
        RefreshSchedule lastDay = RefreshSchedule.parse("cron(0 12 L * ? *)", ZoneOffset.UTC);
        assertThat(lastDay.nextAfter(Instant.parse("2026-02-10T00:00:00Z"))).isEqualTo(Instant.parse("2026-02-28T12:00:00Z"));
        assertThat(RefreshSchedule.parse("rate(6 hours)", ZoneOffset.UTC).nextAfter(Instant.EPOCH))
                .isEqualTo(Instant.EPOCH.plus(Duration.ofHours(6)));
        assertThatThrownBy(() -> RefreshSchedule.parse("cron(0 3 * * *)", ZoneOffset.UTC)).hasMessageContaining("six fields");
        assertThatThrownBy(() -> RefreshSchedule.parse("rate(1 minutes)", ZoneOffset.UTC)).hasMessageContaining("singular");
        assertThatThrownBy(() -> RefreshSchedule.parse("every night", ZoneOffset.UTC)).hasMessageContaining("not an EventBridge schedule");
        assertThatThrownBy(() -> RefreshSchedule.parse("cron(0 3 * * * *)", ZoneOffset.UTC)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCronMissedOverSeveralNightsRunsOnceOnStart() {
        RefreshScheduler s = scheduler("cron(0 3 * * ? *)");
        s.tick();
        h.clock.advance(Duration.ofDays(3)); // down over three 03:00 slots
        RefreshScheduler after = scheduler("cron(0 3 * * ? *)");
        assertThat(after.tick()).isEqualTo(1);
        assertThat(after.tick()).isZero();
        assertThat(h.store.schedule("shop").getNextRunAt()).isEqualTo(Instant.parse("2026-03-06T03:00:00Z"));
    }
}
