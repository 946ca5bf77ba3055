package dev.dolly.agent.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class JobProgressTest {
    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");

        @Override
        public ZoneOffset getZone() { return ZoneOffset.UTC; }

        @Override
        public Clock withZone(java.time.ZoneId zone) { return this; }

        @Override
        public Instant instant() { return now; }
    }

    @Test
    void etaFromBytesOrTheGivenEstimate() {
        MutableClock clock = new MutableClock();
        JobProgress p = new JobProgress(clock);
        assertThat(p.etaSeconds()).isNull();
        p.expectBytes(1000);
        p.addBytes(100);
        clock.now = clock.now.plusSeconds(10);
        p.addBytes(150); // 250 in 10 s → 750 left at 25/s
        assertThat(p.etaSeconds()).isEqualTo(30);
        p.eta(Duration.ofSeconds(7));
        assertThat(p.etaSeconds()).isEqualTo(7);
    }

    @Test
    void countersPhaseAndCancellation() {
        JobProgress p = new JobProgress(Clock.systemUTC());
        p.phase("data");
        p.tablesTotal(3);
        p.tableDone();
        p.addRows(42);
        assertThat(p.phase()).isEqualTo("data");
        assertThat(p.tablesDone()).isEqualTo(1);
        assertThat(p.tablesTotal()).isEqualTo(3);
        assertThat(p.rows()).isEqualTo(42);
        p.checkCancelled();
        p.cancel();
        assertThat(p.isCancelled()).isTrue();
        assertThatThrownBy(p::checkCancelled).isInstanceOf(CancellationException.class);
    }
}
