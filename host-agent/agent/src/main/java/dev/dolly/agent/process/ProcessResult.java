package dev.dolly.agent.process;

/** What a finished program left: its exit code, stdout and stderr (both decoded as UTF-8). */
public record ProcessResult(int exitCode, String stdout, String stderr) {}
