package dev.dolly.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scheduler is a front of the one idempotency engine: a redelivered event (same id) is one request. */
class ScheduledRefreshIdempotencyTest {
    @Test
    void theSchedulersEventIdIsItsIdempotencyKey() {
        assertThat(FunctionsConfiguration.eventId(Map.of("id", "7bf73129-1428-4cd3-a780-95db273d1602", "detail", Map.of("template", "shop"))))
                .isEqualTo("event:7bf73129-1428-4cd3-a780-95db273d1602");
        assertThat(FunctionsConfiguration.eventId(Map.of("template", "shop"))).isNull();
    }
}
