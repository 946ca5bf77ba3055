package dev.dolly.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** dolly logout: forgets the saved login (the token itself stays valid until it expires or is revoked). */
@Command(name = "logout", description = "Forget the saved login")
final class LogoutCommand implements Callable<Integer> {
    @Unmatched
    List<String> ignored;

    private final Session session;

    LogoutCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        session.config().delete();
        session.io().err().println("Logged out (the token stays valid until it expires: /dolly token revoke <id> revokes it).");
        return 0;
    }
}
