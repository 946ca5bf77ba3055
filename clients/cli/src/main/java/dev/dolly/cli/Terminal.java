package dev.dolly.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reading a line from stdin, and whether stdin is a terminal (the bash script's [ -t 0 ]). */
final class Terminal {
    private Terminal() {
    }

    /** Whether this process's stdin is a terminal device. */
    static boolean stdinIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null;
        }
    }

    /** One line, without its line end (bash's IFS= read -r); the rest of the input when it has no line end; "" at its end. */
    static String readLine(InputStream in) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                line.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** A line typed at the terminal without echo (stty -echo while it is read). */
    static String readSecret(InputStream in) {
        stty("-echo");
        try {
            return readLine(in);
        } finally {
            stty("echo");
        }
    }

    private static void stty(String setting) {
        ChildProcess.run(List.of("stty", setting), System.getenv());
    }
}
