package dev.dolly.functions.domain;

import java.time.Instant;
import java.util.List;

/**
 * A host agent as its last heartbeat showed it. {@code snapshots} lists the {@code template/snapshot} pairs
 * it holds, {@code currentSnapshots} the {@code template/snapshot} of each template's current one.
 */
public record HostInfo(String name, String url, boolean healthy, String connectHost, long freeBytes, long sizeBytes, int clones,
                       Instant lastHeartbeat, Instant lastSeenHealthy, String error, List<String> snapshots,
                       List<String> currentSnapshots) {

    /** Whether it holds {@code snapshot} of {@code template} (null: the template's current snapshot). */
    public boolean holds(String template, String snapshot) {
        if (snapshot == null) {
            return currentSnapshots != null && currentSnapshots.stream().anyMatch(s -> s.startsWith(template + "/"));
        }
        return snapshots != null && snapshots.contains(template + "/" + snapshot);
    }

    /** The id of {@code template}'s current snapshot on this host, or null. */
    public String currentSnapshot(String template) {
        if (currentSnapshots == null) return null;
        return currentSnapshots.stream().filter(s -> s.startsWith(template + "/"))
                .map(s -> s.substring(template.length() + 1)).findFirst().orElse(null);
    }
}
