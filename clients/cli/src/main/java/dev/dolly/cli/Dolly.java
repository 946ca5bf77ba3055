package dev.dolly.cli;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * The dolly command line. picocli reads --output (anywhere on the line, except after psql: psql's own -o is its
 * output file) and the CLI's own commands: login, logout, psql, env, completion. Every other line — the verbs of
 * /dolly — is sent as its words to the user API, where the same parser as Slack's reads it: the grammar is written
 * once, on the server. Exit status: 0 ok, 2 usage, 3 refused, 4 unauthorized (log in again), 5 unavailable.
 */
final class Dolly {
    static final String HELP = """

              dolly login                          # asks for Dolly's URL and a personal token (/dolly token in Slack)
              dolly create shop --name x --ttl 4h  # every verb of /dolly, same words and options: list, show, reset,
              dolly savepoint x before             #   savepoint, rollback, destroy, protect, extend, password,
              dolly reset x --savepoint before     #   snapshots, refresh, templates, status, token list|revoke, help
              dolly extend x --by 8h
              dolly psql x                         # rotates x's password and starts psql with it in the environment
              eval "$(dolly env x)"                # rotates x's password and prints PG* variables for eval
              dolly list --output json             # JSON (the user API's answer) instead of a table
              source <(dolly completion bash)      # or: dolly completion zsh

            Not logged in yet: run `dolly login` (get a token with /dolly token in Slack).
            """;

    /**
     * The line before its command is known: --output and the words. -o is --output only as a word of its own (the
     * line reaches picocli with it spelled --output): -ojson or -only stay words, as in the bash script.
     */
    @Command(name = "dolly")
    static final class Line {
        @Option(names = "--output", paramLabel = "table|json")
        String output = "table";

        @Parameters
        List<String> words = new ArrayList<>();
    }

    private final Session session;

    Dolly(Io io, HttpClient http) {
        this.session = new Session(io, http);
    }

    /** Runs the line; returns the exit status. */
    int run(String... args) {
        try {
            return dispatch(List.of(args));
        } catch (CliExit exit) {
            if (exit.getMessage() != null) {
                session.io().err().println("dolly: " + exit.getMessage());
            }
            return exit.status();
        } finally {
            session.io().out().flush();
            session.io().err().flush();
        }
    }

    private int dispatch(List<String> args) throws CliExit {
        if (!args.isEmpty() && args.get(0).equals("psql")) {
            return own(new PsqlCommand(session), args.subList(1, args.size()), e -> CliExit.usage(PsqlCommand.USAGE));
        }
        Line line = new Line();
        parse(line, args.stream().map(a -> a.equals("-o") ? "--output" : a).toList(), e -> CliExit.usage("--output needs table or json"));
        session.output(Output.parse(line.output));
        List<String> words = line.words;
        String verb = words.isEmpty() ? "help" : words.get(0);
        List<String> rest = words.isEmpty() ? List.of() : words.subList(1, words.size());
        switch (verb) {
            case "login":
                LoginCommand.refuseTokenInArgv(rest);
                return own(new LoginCommand(session), rest, e -> CliExit.usage(LoginCommand.USAGE));
            case "logout":
                return own(new LogoutCommand(session), rest, e -> CliExit.usage(LoginCommand.USAGE));
            case "completion":
                return own(new CompletionCommand(session), rest.isEmpty() ? rest : rest.subList(0, 1), e -> CliExit.usage(CompletionCommand.USAGE));
            case "env":
                return own(new EnvCommand(session), rest, e -> CliExit.usage(EnvCommand.USAGE));
            default:
                return send(words);
        }
    }

    /** A /dolly verb: its words to the user API, the answer as it came. */
    private int send(List<String> words) {
        Io io = session.io();
        boolean help = words.isEmpty() || words.size() == 1 && (words.get(0).equals("help") || words.get(0).isEmpty());
        if (help && io.env("DOLLY_URL") == null && !session.config().exists()) {
            io.out().print(HELP);
            return 0;
        }
        UserApi api = session.api();
        byte[] answer = api.command(words, session.output());
        io.out().write(answer, 0, answer.length);
        if (session.output() == Output.JSON) {
            io.out().println();
        } else if (help) {
            io.out().printf("%nIn a terminal also:%n  dolly login [--url URL --with-token]   save URL and token (0600, %s)%n", session.config().path());
            io.out().print("""
                      dolly psql <clone> [psql options]     rotate the password, start psql with it
                      dolly env <clone>                     rotate the password, print PG* variables for eval
                      dolly completion bash|zsh             shell completion
                      --output json                         JSON instead of tables, with any command
                    """);
        }
        return 0;
    }

    private static int own(Callable<Integer> command, List<String> args, Function<ParameterException, CliExit> badArgs) {
        parse(command, args, badArgs);
        try {
            return command.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** picocli reads the words as they are: no @file expansion, no "--" swallowed, no -ojson clusters. */
    private static void parse(Object command, List<String> args, Function<ParameterException, CliExit> badArgs) {
        CommandLine commandLine = new CommandLine(command)
                .setExpandAtFiles(false)
                .setPosixClusteredShortOptionsAllowed(false)
                .setOverwrittenOptionsAllowed(true)
                .setUnmatchedOptionsArePositionalParams(!(command instanceof LoginCommand))
                .setEndOfOptionsDelimiter("\u0000")
                .setStopAtPositional(command instanceof PsqlCommand);
        try {
            commandLine.parseArgs(args.toArray(String[]::new));
        } catch (ParameterException e) {
            throw badArgs.apply(e);
        }
    }
}
