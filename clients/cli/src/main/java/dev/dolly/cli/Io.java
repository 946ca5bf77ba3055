package dev.dolly.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What the CLI reads and writes: the environment, stdin (and whether it is a terminal), stdout and stderr.
 * Main passes the process's own; tests pass their own.
 */
record Io(Map<String, String> env, InputStream in, BooleanSupplier stdinIsTerminal, PrintStream out, PrintStream err) {

    String env(String name) {
        String value = env.get(name);
        return value == null || value.isEmpty() ? null : value;
    }
}
