package dev.dolly.cli;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * dolly login [--url URL] [--with-token]: asks for (or reads) Dolly's URL and a personal token, proves them with a
 * call, then saves them 0600. The token is read from stdin or typed without echo, never taken from argv.
 */
@Command(name = "login", description = "Save Dolly's URL and your personal token (0600)")
final class LoginCommand implements Callable<Integer> {
    static final String USAGE = "login takes --url URL and --with-token (the token on stdin)";
    private static final Pattern URL = Pattern.compile("https?://\\S+");
    private static final Pattern TOKEN = Pattern.compile("dolly_pat_[A-Za-z0-9_-]+");

    @Option(names = "--url", paramLabel = "URL", description = "Dolly's URL")
    String url;

    @Option(names = "--with-token", description = "read the token from stdin")
    boolean withToken;

    private final Session session;

    LoginCommand(Session session) {
        this.session = session;
    }

    /** Refused before anything is parsed: a token in argv is in the shell history and the process list. */
    static void refuseTokenInArgv(List<String> args) {
        if (args.stream().anyMatch(a -> a.equals("--token") || a.startsWith("--token="))) {
            throw CliExit.usage("--token would put the token in your shell history and in the process list: use --with-token (reads stdin) or the prompt");
        }
    }

    @Override
    public Integer call() {
        Io io = session.io();
        boolean terminal = io.stdinIsTerminal().getAsBoolean();
        String givenUrl = url;
        if (givenUrl == null) {
            if (!terminal) {
                throw CliExit.usage("login: --url URL is needed when stdin is not a terminal");
            }
            io.err().print("Dolly URL (e.g. https://abc123.execute-api.eu-west-1.amazonaws.com): ");
            io.err().flush();
            givenUrl = Terminal.readLine(io.in()).strip();   // as bash's read trims what was typed
        }
        String token;
        if (withToken) {
            token = Terminal.readLine(io.in());
        } else {
            if (!terminal) {
                throw CliExit.usage("login: pipe the token with --with-token");
            }
            io.err().print("Personal token (type /dolly token in Slack; it is not echoed): ");
            io.err().flush();
            token = Terminal.readSecret(io.in()).strip();
            io.err().println();
        }
        if (!URL.matcher(givenUrl).matches()) {
            throw CliExit.usage("login: '" + givenUrl + "' is not an http(s) URL");
        }
        if (!TOKEN.matcher(token).matches()) {
            throw CliExit.usage("login: a personal token looks like dolly_pat_…; get one with /dolly token in Slack");
        }
        Credentials credentials = new Credentials(givenUrl, token);
        session.api(credentials).command(List.of("token", "list"), Output.TABLE);   // proves URL and token
        session.config().save(credentials);
        io.err().println("Logged in to " + credentials.url() + "; token saved in " + session.config().path() + " (0600).");
        return 0;
    }
}
