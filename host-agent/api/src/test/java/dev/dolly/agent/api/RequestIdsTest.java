package dev.dolly.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which incoming request ids are taken, and what a new one looks like. */
class RequestIdsTest {
    @Test
    void takesOnlyShortPlainIds() {
        assertThat(RequestIds.valid("ci-run-4711.step_2")).isTrue();
        assertThat(RequestIds.valid("12345678")).isTrue();
        assertThat(RequestIds.valid("a".repeat(64))).isTrue();
        assertThat(RequestIds.valid("a".repeat(65))).as("too long").isFalse();
        assertThat(RequestIds.valid("1234567")).as("too short").isFalse();
        assertThat(RequestIds.valid("has space1")).isFalse();
        assertThat(RequestIds.valid("line\nbreak1")).as("no log injection").isFalse();
        assertThat(RequestIds.valid("quote\"d-id")).isFalse();
        assertThat(RequestIds.valid(null)).isFalse();
    }

    @Test
    void makesANewIdWhenTheIncomingOneIsNotTaken() {
        assertThat(RequestIds.orMake("ci-run-4711")).isEqualTo("ci-run-4711");
        String made = RequestIds.orMake("bad id");
        assertThat(made).matches("req-[0-9a-f]{20}");
        assertThat(RequestIds.valid(made)).isTrue();
        assertThat(RequestIds.make()).isNotEqualTo(RequestIds.make());
    }
}
