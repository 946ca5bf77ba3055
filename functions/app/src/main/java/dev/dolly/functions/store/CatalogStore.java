package dev.dolly.functions.store;

import dev.dolly.functions.domain.ScheduleInfo;

import dev.dolly.functions.domain.HostInfo;
import dev.dolly.functions.domain.SnapshotInfo;
import dev.dolly.functions.domain.TemplateInfo;
import java.util.List;

/** Templates, hosts and snapshots as domain records, read from {@link DollyStore} (heartbeats and refreshes write them). */
public class CatalogStore {
    private final DollyStore store;

    public CatalogStore(DollyStore store) {
        this.store = store;
    }

    /** The runtime state of template {@code name}, or null when nothing was recorded for it yet. */
    public TemplateInfo template(String name) {
        return Records.template(store.template(name));
    }

    public List<TemplateInfo> templates() {
        return store.allTemplates().stream().map(Records::template).toList();
    }

    /** Where the local refresh schedule of {@code template} stands (null: no local schedule has seen it). */
    public ScheduleInfo schedule(String template) {
        ScheduleItem s = store.schedule(template);
        return s == null ? null : new ScheduleInfo(s.getExpression(), s.getNextRunAt(), s.getLastRunAt(), s.getLastOutcome());
    }

    /** When the local schedule next runs a refresh of {@code template} (null: no local schedule yet). */
    public java.time.Instant nextScheduledRun(String template) {
        ScheduleInfo s = schedule(template);
        return s == null ? null : s.nextRunAt();
    }

    public List<HostInfo> hosts() {
        return store.allHosts().stream().map(Records::host).toList();
    }

    /** The snapshots of {@code template} hosts reported, in id order. */
    public List<SnapshotInfo> snapshotsOf(String template) {
        return store.snapshotsOf(template).stream().map(Records::snapshot).toList();
    }
}
