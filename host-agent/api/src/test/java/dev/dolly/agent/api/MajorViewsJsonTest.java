package dev.dolly.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PostgreSQL major survives the agent API's JSON, and views without it (older agents) still read. */
class MajorViewsJsonTest {
    final ObjectMapper json = AgentJson.mapper();

    @Test
    void theMajorRoundTrips() throws Exception {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        SnapshotView s = new SnapshotView("shop", "b1", now, 10, true, List.of("c1"), 17);
        TemplateView t = new TemplateView("shop", "shop", "b1", List.of(s), 17);
        assertThat(json.readValue(json.writeValueAsString(t), TemplateView.class)).isEqualTo(t);
        CloneView c = new CloneView("c1", "shop", "b1", "h", 6000, "shop", "u", "o", now, null, false, null, "ready", 1, 18);
        assertThat(json.readValue(json.writeValueAsString(c), CloneView.class).postgres()).isEqualTo(18);
        assertThat(json.readValue("{\"name\":\"shop\",\"snapshots\":[]}", TemplateView.class).postgres()).isNull();
    }
}
