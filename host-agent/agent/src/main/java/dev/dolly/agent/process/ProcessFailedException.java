package dev.dolly.agent.process;

import java.util.List;

/** A program exited non-zero (or could not start, or timed out: exit code -1). Carries its argv, exit code and stderr. */
public class ProcessFailedException extends RuntimeException {
    private final List<String> argv;
    private final int exitCode;
    private final String stderr;

    public ProcessFailedException(List<String> argv, int exitCode, String stderr) {
        super(String.join(" ", argv) + " exited " + exitCode + (stderr == null || stderr.isBlank() ? "" : ": " + stderr.strip()));
        this.argv = List.copyOf(argv);
        this.exitCode = exitCode;
        this.stderr = stderr == null ? "" : stderr;
    }

    public ProcessFailedException(List<String> argv, String why, Throwable cause) {
        super(String.join(" ", argv) + ": " + why, cause);
        this.argv = List.copyOf(argv);
        this.exitCode = -1;
        this.stderr = why;
    }

    public List<String> argv() { return argv; }

    public int exitCode() { return exitCode; }

    public String stderr() { return stderr; }
}
