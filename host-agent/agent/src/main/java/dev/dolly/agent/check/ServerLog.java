package dev.dolly.agent.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what a clone's server logged during observe mode (log_line_prefix {@link #PREFIX}): the statements other
 * sessions sent ({@code statement:} and {@code execute <name>:} lines, continuation lines included), their errors
 * (SQL state and the first line of the message, never DETAIL) and the event trigger's rewrite notes.
 */
public final class ServerLog {
    /** The prefix observe mode sets: time, pid, SQL state. */
    public static final String PREFIX = "%m [%p] %e ";
    private static final Pattern LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)? \\S+ \\[(\\d+)\\] (\\w{5}) ([A-Z]+):  (.*)$");
    private static final Pattern STATEMENT = Pattern.compile("^(?:statement|execute [^:]*): (.*)$", Pattern.DOTALL);
    private static final Pattern REWRITE = Pattern.compile("^" + Pattern.quote(ClusterHooks.REWRITE_LOG) + "(.*) \\(oid (\\d+)\\)$");

    public record Logged(int pid, String sql) {}

    public record LoggedError(int pid, String sqlstate, String message) {}

    private final List<Logged> statements = new ArrayList<>();
    private final List<LoggedError> errors = new ArrayList<>();
    private final List<Long> rewrites = new ArrayList<>();

    /** Parses {@code text}, skipping lines of the check's own sessions ({@code ours}). */
    public static ServerLog parse(String text, Set<Integer> ours) {
        ServerLog log = new ServerLog();
        String[] lines = text.split("\r?\n");
        int i = 0;
        while (i < lines.length) {
            Matcher m = LINE.matcher(lines[i]);
            i++;
            if (!m.matches()) {
                continue;
            }
            StringBuilder body = new StringBuilder(m.group(4));
            while (i < lines.length && !LINE.matcher(lines[i]).matches()) {
                body.append('\n').append(lines[i]);
                i++;
            }
            int pid = Integer.parseInt(m.group(1));
            String level = m.group(3);
            String msg = body.toString();
            Matcher rw = REWRITE.matcher(msg);
            if (level.equals("LOG") && rw.matches()) {
                log.rewrites.add(Long.parseLong(rw.group(2)));
                continue;
            }
            if (ours.contains(pid)) {
                continue;
            }
            Matcher st = STATEMENT.matcher(msg);
            if (level.equals("LOG") && st.matches()) {
                log.statements.add(new Logged(pid, st.group(1)));
            } else if (level.equals("ERROR")) {
                log.errors.add(new LoggedError(pid, m.group(2), RowsInTheWay.safeMessage(m.group(2), msg)));
            }
        }
        return log;
    }

    public List<Logged> statements() {
        return statements;
    }

    public List<LoggedError> errors() {
        return errors;
    }

    public List<Long> rewrites() {
        return rewrites;
    }
}
