package dev.dolly.slack;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand; deliberately far from the real time so nothing can pass by reading the system clock. */
final class MutableClock extends Clock {
    static final Instant START = Instant.parse("2026-01-15T10:00:00Z");
    private volatile Instant now;

    MutableClock() { this(START); }

    MutableClock(Instant now) { this.now = now; }

    void advance(Duration d) { now = now.plus(d); }

    @Override public ZoneId getZone() { return ZoneOffset.UTC; }

    @Override public Clock withZone(ZoneId zone) { return this; }

    @Override public Instant instant() { return now; }
}
