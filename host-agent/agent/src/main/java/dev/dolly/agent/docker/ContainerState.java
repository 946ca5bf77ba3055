package dev.dolly.agent.docker;

/** What inspecting a container said: running, exit code, OOM-killed, docker's error text. */
public record ContainerState(boolean running, Long exitCode, boolean oomKilled, String status, String error) {
    public String describe() {
        StringBuilder b = new StringBuilder(status == null ? "unknown" : status);
        if (!running && exitCode != null) {
            b.append(", exit code ").append(exitCode);
        }
        if (oomKilled) {
            b.append(", killed for exceeding its memory limit (OOM)");
        }
        if (error != null && !error.isBlank()) {
            b.append(", ").append(error);
        }
        return b.toString();
    }
}
