package dev.dolly.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * dolly psql <clone> [psql options…]: rotates the clone's password and runs psql with the connection in its
 * environment (PGPASSWORD never in argv; the Dolly token not handed down). psql's own options, -o included, go to
 * psql untouched; its exit status is the CLI's.
 */
@Command(name = "psql", description = "Rotate a clone's password and start psql with it")
final class PsqlCommand implements Callable<Integer> {
    static final String USAGE = "usage: dolly psql <clone> [psql options…]  (rotates the clone's password)";

    @Parameters(index = "0", arity = "1", paramLabel = "<clone>")
    String clone;

    @Parameters(index = "1..*", paramLabel = "psql options")
    List<String> psqlArgs = new ArrayList<>();

    private final Session session;

    PsqlCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        UserApi api = session.api();
        Path psql = onPath("psql").orElseThrow(() -> CliExit.usage("psql is not installed"));
        Map<String, String> env = new HashMap<>(session.io().env());
        env.remove("DOLLY_TOKEN");
        env.putAll(ConnectionLines.parse(api.connection(clone), ConnectionLines.PG_NAMES));
        List<String> argv = new ArrayList<>();
        argv.add(psql.toString());
        argv.addAll(psqlArgs);
        return ChildProcess.run(argv, env);
    }

    private Optional<Path> onPath(String program) {
        String path = session.io().env("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
