package dev.dolly.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void durationsInEveryWrittenForm() {
        assertThat(Durations.parse("8h")).isEqualTo(Duration.ofHours(8));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("45 s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(Durations.parse("1d12h")).isEqualTo(Duration.ofHours(36));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("2w")).isEqualTo(Duration.ofDays(14));
        assertThat(Durations.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("p1d")).isEqualTo(Duration.ofDays(1));
        assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Durations.parse("8")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Durations.parse(" ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> Durations.parse("Pxyz")).hasMessageContaining("not a duration");
    }

    @Test
    void formatsTheShortestForm() {
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(Durations.format(Duration.ofHours(36))).isEqualTo("1d12h");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.parse(Durations.format(Duration.ofSeconds(93784)))).isEqualTo(Duration.ofSeconds(93784));
    }

    @Test
    void sizes() {
        assertThat(Sizes.parse("256m")).isEqualTo(256L << 20);
        assertThat(Sizes.parse("5G")).isEqualTo(5L << 30);
        assertThat(Sizes.parse("1.5g")).isEqualTo(3L << 29);
        assertThat(Sizes.parse("512MiB")).isEqualTo(512L << 20);
        assertThat(Sizes.parse("1048576")).isEqualTo(1048576L);
        assertThatThrownBy(() -> Sizes.parse("lots")).hasMessageContaining("not a size");
    }

    @Test
    void suggestsTheNearestKey() {
        assertThat(Suggestions.nearest("tll", java.util.List.of("ttl", "maxTtl", "idle"))).contains("ttl");
        assertThat(Suggestions.nearest("maxttl", java.util.List.of("ttl", "maxTtl", "idle"))).contains("maxTtl");
        assertThat(Suggestions.nearest("zebra", java.util.List.of("ttl", "maxTtl", "idle"))).isEmpty();
    }

    @Test
    void suggestsTheClosestNameAsSpelt() {
        assertThat(Suggestions.closest("public.custmers", java.util.List.of("public.customers", "public.orders"))).contains("public.customers");
        assertThat(Suggestions.closest("EMAIL", java.util.List.of("email"))).as("case counts").isEmpty();
        assertThat(Suggestions.nearest("EMAIL", java.util.List.of("email"))).contains("email");
        assertThat(Suggestions.closest("x", java.util.List.of())).isEmpty();
    }
}
