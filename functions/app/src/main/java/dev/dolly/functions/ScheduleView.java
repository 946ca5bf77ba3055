package dev.dolly.functions;

import dev.dolly.functions.domain.ScheduleInfo;
import dev.dolly.functions.store.CatalogStore;
import java.util.LinkedHashMap;
import java.util.Map;

/** The local refresh schedules in {@code GET /health}: per template its expression, next run and last scheduled run. */
final class ScheduleView {
    private ScheduleView() {}

    @SuppressWarnings("unchecked")
    static void addTo(Map<String, Object> templates, CatalogStore store) {
        for (String name : templates.keySet()) {
            ScheduleInfo s = store.schedule(name);
            if (s == null) continue;
            Map<String, Object> m = (Map<String, Object>) templates.computeIfAbsent(name, k -> new LinkedHashMap<>());
            m.put("schedule", s.expression());
            m.put("nextRunAt", s.nextRunAt() == null ? null : s.nextRunAt().toString());
            m.put("lastScheduledRunAt", s.lastRunAt() == null ? null : s.lastRunAt().toString());
            m.put("lastScheduledOutcome", s.lastOutcome());
        }
    }
}
