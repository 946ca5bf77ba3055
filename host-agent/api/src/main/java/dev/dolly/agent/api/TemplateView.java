package dev.dolly.agent.api;

import java.util.List;

/**
 * A template on this host: its current snapshot id (null before the first build), all ready
 * snapshots newest first, and the PostgreSQL major its current snapshot (and so its clones) runs
 * (null before the first build or when not reported).
 */
public record TemplateView(String name, String database, String currentSnapshot, List<SnapshotView> snapshots, Integer postgres) {

    /** Without the major (agents before it was reported). */
    public TemplateView(String name, String database, String currentSnapshot, List<SnapshotView> snapshots) {
        this(name, database, currentSnapshot, snapshots, null);
    }
}
