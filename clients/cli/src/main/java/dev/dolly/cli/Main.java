package dev.dolly.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** java -jar dolly-cli.jar <words>: clients/dolly launches it. Output is UTF-8 whatever the locale. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        Io io = new Io(System.getenv(), new FileInputStream(FileDescriptor.in), Terminal::stdinIsTerminal, out, err);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        int status = new Dolly(io, http).run(args);
        out.flush();
        System.exit(status);
    }
}
