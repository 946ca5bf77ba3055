package dev.dolly.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The one way the CLI starts a program: with this terminal (stdin, stdout, stderr inherited) and exactly the
 * environment given, waiting for it. While it runs, Ctrl-C is the child's alone (psql cancels its query): the CLI
 * ignores SIGINT as the bash script did by exec-ing psql. Secrets go in the environment, never in argv.
 */
final class ChildProcess {
    private ChildProcess() {
    }

    static int run(List<String> argv, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(argv).inheritIO();
        builder.environment().clear();
        builder.environment().putAll(env);
        Signal interrupt = new Signal("INT");
        SignalHandler previous = Signal.handle(interrupt, signal -> { });
        try {
            return builder.start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } finally {
            Signal.handle(interrupt, previous);
        }
    }
}
