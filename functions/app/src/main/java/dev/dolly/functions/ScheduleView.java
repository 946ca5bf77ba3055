package dev.dolly.functions;

import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.ScheduleItem;
import java.util.LinkedHashMap;
import java.util.Map;

/** The local refresh schedules in {@code GET /health}: per template its expression, next run and last scheduled run. */
final class ScheduleView {
    private ScheduleView() {}

    @SuppressWarnings("unchecked")
    static void addTo(Map<String, Object> templates, DollyStore store) {
        for (String name : templates.keySet()) {
            ScheduleItem s = store.schedule(name);
            if (s == null) continue;
            Map<String, Object> m = (Map<String, Object>) templates.computeIfAbsent(name, k -> new LinkedHashMap<>());
            m.put("schedule", s.getExpression());
            m.put("nextRunAt", s.getNextRunAt() == null ? null : s.getNextRunAt().toString());
            m.put("lastScheduledRunAt", s.getLastRunAt() == null ? null : s.getLastRunAt().toString());
            m.put("lastScheduledOutcome", s.getLastOutcome());
        }
    }
}
