package dev.dolly.functions.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A template's {@code refresh.schedule}: the expressions EventBridge Scheduler takes, {@code cron(min hour
 * day-of-month month day-of-week year)} and {@code rate(N minute|minutes|hour|hours|day|days)}.
 * A cron expression is parsed by cron-utils with its Quartz definition (EventBridge's six fields are
 * Quartz's seven without the seconds: same {@code ?}, {@code L}, {@code W}, {@code #}, 1 = Sunday).
 */
public sealed interface RefreshSchedule {
    Pattern CRON = Pattern.compile("cron\\((.+)\\)");
    Pattern RATE = Pattern.compile("rate\\((\\d+)\\s+(minute|minutes|hour|hours|day|days)\\)");

    /** The first run strictly after {@code t}, or null when there is none (a cron whose years are over). */
    Instant nextAfter(Instant t);

    String expression();

    /** Parses an EventBridge schedule expression; IllegalArgumentException says what is wrong. */
    static RefreshSchedule parse(String expression, ZoneId zone) {
        String e = expression == null ? "" : expression.trim();
        Matcher rate = RATE.matcher(e);
        if (rate.matches()) {
            long n = Long.parseLong(rate.group(1));
            if (n < 1) throw new IllegalArgumentException("rate: the value must be at least 1 in '" + e + "'");
            String unit = rate.group(2);
            if (n == 1 == unit.endsWith("s")) {
                throw new IllegalArgumentException("rate: write '" + n + " " + (n == 1 ? unit.replaceAll("s$", "") : unit + "s")
                        + "' in '" + e + "' (EventBridge takes the singular for 1 only)");
            }
            Duration period = switch (unit.replaceAll("s$", "")) {
                case "minute" -> Duration.ofMinutes(n);
                case "hour" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return new Rate(e, period);
        }
        Matcher cron = CRON.matcher(e);
        if (cron.matches()) {
            String[] fields = cron.group(1).trim().split("\\s+");
            if (fields.length != 6) {
                throw new IllegalArgumentException("cron: six fields (minutes hours day-of-month month day-of-week year) in '" + e + "'");
            }
            try {
                var parsed = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ))
                        .parse("0 " + cron.group(1).trim().toUpperCase(Locale.ROOT));
                parsed.validate();
                return new Cron(e, ExecutionTime.forCron(parsed), zone);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("cron: " + ex.getMessage() + " in '" + e + "'", ex);
            }
        }
        throw new IllegalArgumentException("'" + e + "' is not an EventBridge schedule: cron(…) or rate(…)");
    }

    /** {@code rate(…)}: every period, counted from the first time the schedule was seen. */
    record Rate(String expression, Duration period) implements RefreshSchedule {
        @Override
        public Instant nextAfter(Instant t) { return t.plus(period); }
    }

    /** {@code cron(…)} in a time zone (EventBridge's default, and Dolly's: UTC). */
    record Cron(String expression, ExecutionTime times, ZoneId zone) implements RefreshSchedule {
        @Override
        public Instant nextAfter(Instant t) {
            return times.nextExecution(t.atZone(zone)).map(z -> z.toInstant()).orElse(null);
        }
    }
}
