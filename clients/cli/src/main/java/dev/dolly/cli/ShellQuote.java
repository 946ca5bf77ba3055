package dev.dolly.cli;

import java.util.regex.Pattern;

/** A value as one shell word for eval: as it is when it holds nothing a shell reads specially, else in single quotes. */
final class ShellQuote {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@%+,=-]+");

    private ShellQuote() {
    }

    static String quote(String value) {
        if (PLAIN.matcher(value).matches()) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
