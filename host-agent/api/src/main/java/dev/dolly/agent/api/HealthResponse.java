package dev.dolly.agent.api;

import java.util.List;

/**
 * Liveness plus what placement needs: free pool space and how many clones the host serves. {@code status} is
 * {@code ok} while the host can take clones (placement skips any other); {@code degraded} says what is wrong or
 * about to be and why, also while the status is still {@code ok} (a pool nearly full, a template whose refreshes
 * fail): one entry per component.
 */
public record HealthResponse(String status, String host, String version, long poolFreeBytes, long poolSizeBytes, int clones,
                             List<Degraded> degraded) {

    /** One degraded component ({@code pool}, {@code zfs}, {@code docker}, {@code refresh:<template>}) and why. */
    public record Degraded(String component, String reason) {}

    public HealthResponse {
        degraded = degraded == null ? List.of() : List.copyOf(degraded);
    }

    /** Nothing degraded (agents before it was reported). */
    public HealthResponse(String status, String host, String version, long poolFreeBytes, long poolSizeBytes, int clones) {
        this(status, host, version, poolFreeBytes, poolSizeBytes, clones, List.of());
    }
}
