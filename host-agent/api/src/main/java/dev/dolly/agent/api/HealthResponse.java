package dev.dolly.agent.api;

/** Liveness plus what placement needs: free pool space and how many clones the host serves. */
public record HealthResponse(String status, String host, String version, long poolFreeBytes, long poolSizeBytes, int clones) {}
