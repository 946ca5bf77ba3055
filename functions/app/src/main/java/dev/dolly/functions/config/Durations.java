package dev.dolly.functions.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Human durations as users type them: {@code 90s}, {@code 30m}, {@code 8h}, {@code 2d}, {@code 1h30m}, or ISO-8601 {@code PT8H}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)([smhdw])");
    private static final Pattern WHOLE = Pattern.compile("(\\d+[smhdw])+");

    private Durations() {}

    /** Parses {@code text}; throws IllegalArgumentException naming the accepted forms. */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration");
        }
        String t = text.trim().toLowerCase();
        if (t.startsWith("pt") || t.startsWith("p")) {
            try {
                return Duration.parse(t.toUpperCase());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 30m, 8h, 2d)");
            }
        }
        if (!WHOLE.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 30m, 8h, 2d)");
        }
        Duration d = Duration.ZERO;
        Matcher m = PART.matcher(t);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            });
        }
        return d;
    }

    public static Duration parseOr(String text, Duration fallback) {
        return text == null || text.isBlank() ? fallback : parse(text);
    }

    /** The shortest human form: {@code 8h}, {@code 1h30m}, {@code 45s}. */
    public static String format(Duration d) {
        if (d == null) {
            return null;
        }
        long s = d.getSeconds();
        if (s == 0) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long days = s / 86400; s %= 86400;
        long h = s / 3600; s %= 3600;
        long m = s / 60; s %= 60;
        if (days > 0) b.append(days).append('d');
        if (h > 0) b.append(h).append('h');
        if (m > 0) b.append(m).append('m');
        if (s > 0) b.append(s).append('s');
        return b.toString();
    }
}
