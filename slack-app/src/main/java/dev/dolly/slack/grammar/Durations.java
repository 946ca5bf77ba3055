package dev.dolly.slack.grammar;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as users type them: {@code 30m}, {@code 4h}, {@code 2d}, {@code 1w}, {@code 90s}, and sums such as
 * {@code 1d12h} or {@code 1h30m}. Also formats durations back into the same short form.
 */
public final class Durations {
    private static final Pattern WHOLE = Pattern.compile("(?:\\d{1,6}[smhdw])+");
    private static final Pattern PART = Pattern.compile("(\\d{1,6})([smhdw])");

    private Durations() {}

    /** Parses {@code text}; throws {@link IllegalArgumentException} with a message for the user when it is not a positive duration. */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase();
        if (!WHOLE.matcher(s).matches()) {
            throw new IllegalArgumentException("`" + text + "` is not a duration: use forms like `30m`, `4h`, `2d` or `1d12h`");
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(s);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            });
        }
        if (total.isZero()) {
            throw new IllegalArgumentException("`" + text + "` is zero: give a duration longer than that, like `4h`");
        }
        return total;
    }

    /** {@code 2d4h}, {@code 3h5m}, {@code 45s}: the largest two units, the form {@link #parse} reads. */
    public static String format(Duration d) {
        if (d == null) return "";
        long seconds = Math.max(0, d.getSeconds());
        long days = seconds / 86_400, hours = seconds % 86_400 / 3600, minutes = seconds % 3600 / 60, secs = seconds % 60;
        StringBuilder b = new StringBuilder();
        if (days > 0) b.append(days).append('d');
        if (hours > 0 && b.length() < 4) b.append(hours).append('h');
        if (days == 0 && minutes > 0) b.append(minutes).append('m');
        if (days == 0 && hours == 0 && (secs > 0 || minutes == 0)) b.append(secs).append('s');
        return b.toString();
    }

    /** Like {@link #format} but spaced for reading: {@code 2 d 4 h}. */
    public static String human(Duration d) {
        return format(d).replaceAll("(\\d+)([a-z])", "$1 $2 ").trim();
    }
}
