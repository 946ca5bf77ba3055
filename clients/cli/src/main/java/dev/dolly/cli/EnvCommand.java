package dev.dolly.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** dolly env <clone>: rotates the clone's password and prints export lines (DOLLY_CLONE, PG*) for eval. */
@Command(name = "env", description = "Rotate a clone's password and print PG* variables for eval")
final class EnvCommand implements Callable<Integer> {
    static final String USAGE = "usage: eval \"$(dolly env <clone>)\"  (rotates the clone's password)";

    @Parameters(index = "0", arity = "1", paramLabel = "<clone>")
    String clone;

    private final Session session;

    EnvCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        UserApi api = session.api();
        Map<String, String> connection = ConnectionLines.parse(api.connection(clone), ConnectionLines.ENV_NAMES);
        connection.forEach((name, value) -> session.io().out().println("export " + name + "=" + ShellQuote.quote(value)));
        return 0;
    }
}
