package dev.dolly.agent.api;

import java.util.List;

/** A template on this host: its current snapshot id (null before the first build) and all ready snapshots, newest first. */
public record TemplateView(String name, String database, String currentSnapshot, List<SnapshotView> snapshots) {}
