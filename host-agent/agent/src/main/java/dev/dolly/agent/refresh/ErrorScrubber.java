package dev.dolly.agent.refresh;

import java.util.regex.Pattern;

/**
 * Takes row content out of an error message before it leaves the agent (a job's {@code error},
 * Slack, {@code /health}, logs). The source and build sessions already ask PgJDBC not to include
 * the server's DETAIL and WHERE text ({@code logServerErrorDetail=false}); this catches what can
 * still carry values: a DETAIL/CONTEXT/WHERE part from another path (pg_restore's stderr, a
 * session opened elsewhere), {@code Failing row contains (…)}, {@code Key (…)=(…)}, and the
 * primary messages that quote the offending input ({@code invalid input syntax for type …: "…"}).
 */
public final class ErrorScrubber {

    private static final Pattern DETAIL = Pattern.compile(
            "(?s)\\s*(?:\\b(?:Detail|DETAIL|Where|WHERE|CONTEXT|Hint|HINT)\\s*:|Failing row contains).*");
    private static final Pattern KEY = Pattern.compile("Key \\((.*?)\\)=\\(.*?\\)");
    private static final Pattern QUOTED_INPUT = Pattern.compile(
            "((?:invalid input syntax for(?: type)?|invalid input value for enum|malformed [a-z ]+ literal|"
            + "field value out of range|invalid [a-z ]+ value|invalid byte sequence for encoding \"[^\"]*\"|"
            + "character with byte sequence)[^\"\\n]*?):\\s*(?:\"[^\"\\n]*\"|0x[0-9a-fA-F]{2}(?: 0x[0-9a-fA-F]{2})*)");
    private static final Pattern OUT_OF_RANGE = Pattern.compile("value \"[^\"\\n]*\" is out of range");

    private ErrorScrubber() {}

    /** The message without row content; null stays null. */
    public static String scrub(String message) {
        if (message == null) {
            return null;
        }
        String s = DETAIL.matcher(message).replaceFirst("");
        s = KEY.matcher(s).replaceAll("Key ($1)=(…)");
        s = QUOTED_INPUT.matcher(s).replaceAll("$1: \"…\"");
        s = OUT_OF_RANGE.matcher(s).replaceAll("value \"…\" is out of range");
        return s;
    }
}
