package dev.dolly.functions.store;

import dev.dolly.functions.domain.Clone;
import dev.dolly.functions.domain.HostInfo;
import dev.dolly.functions.domain.Quota;
import dev.dolly.functions.domain.SnapshotInfo;
import dev.dolly.functions.domain.TemplateInfo;

/** Maps table items to domain records and back; the items' attributes (the table layout) stay as they are. */
public final class Records {
    private Records() {}

    public static Clone clone(CloneItem i) {
        if (i == null) return null;
        return new Clone(i.getId(), i.getState(), i.getTemplate(), i.getSnapshot(), i.getSnapshotCreatedAt(), i.getOwner(),
                i.getHostName(), i.getConnectHost(), i.getPort(), i.getDatabase(), i.getUser(), i.getCreatedAt(), i.getExpiresAt(),
                i.isProtectedClone(), i.getLastActivityAt(), i.getStateSince(), i.getFailure(), i.isGhost(), i.getWarnedFor(),
                i.getFront(), i.getVersion(), i.getPostgres());
    }

    /** The item of {@code c}, keys and indexes derived as {@link CloneItem#create} derives them. */
    public static CloneItem item(Clone c) {
        CloneItem i = CloneItem.create(c.id(), c.owner());
        i.setState(c.state());
        i.setTemplate(c.template());
        i.setSnapshot(c.snapshot());
        i.setSnapshotCreatedAt(c.snapshotCreatedAt());
        i.setHostName(c.hostName());
        i.setConnectHost(c.connectHost());
        i.setPort(c.port());
        i.setDatabase(c.database());
        i.setUser(c.user());
        i.setCreatedAt(c.createdAt());
        i.setExpiresAt(c.expiresAt());
        i.setProtectedClone(c.protectedClone());
        i.setLastActivityAt(c.lastActivityAt());
        i.setStateSince(c.stateSince());
        i.setFailure(c.failure());
        i.setGhost(c.ghost());
        i.setWarnedFor(c.warnedFor());
        i.setFront(c.front());
        i.setVersion(c.version());
        i.setPostgres(c.postgres());
        return i;
    }

    public static Quota quota(QuotaItem q) {
        return new Quota(q.getPrincipal(), q.getClones(), q.getVersion());
    }

    public static QuotaItem item(Quota q) {
        QuotaItem i = QuotaItem.create(q.principal());
        i.setClones(q.clones());
        i.setVersion(q.version());
        return i;
    }

    public static TemplateInfo template(TemplateItem t) {
        if (t == null) return null;
        return new TemplateInfo(t.getName(), t.getCurrentSnapshot(), t.getCurrentSnapshotAt(), t.getRefreshJob(), t.getRefreshHost(),
                t.getRefreshState(), t.getRefreshPhase(), t.getTablesDone(), t.getTablesTotal(), t.getRowsCopied(), t.getEtaSeconds(),
                t.getRefreshError(), t.getRefreshSnapshot(), t.getRefreshStartedAt(), t.getRefreshUpdatedAt(), t.getRequestedBy(),
                t.getPostgres(), t.getUpgrade());
    }

    public static HostInfo host(HostItem h) {
        if (h == null) return null;
        return new HostInfo(h.getName(), h.getUrl(), h.isHealthy(), h.getConnectHost(), h.getFreeBytes(), h.getSizeBytes(), h.getClones(),
                h.getLastHeartbeat(), h.getLastSeenHealthy(), h.getError(), h.getSnapshots(), h.getCurrentSnapshots());
    }

    public static SnapshotInfo snapshot(SnapshotItem s) {
        return new SnapshotInfo(s.getTemplate(), s.getId(), s.getCreatedAt(), s.getSizeBytes(), s.isCurrent(), s.getClones(),
                s.getHosts(), s.getSeenAt());
    }
}
