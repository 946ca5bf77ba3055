package dev.dolly.slack.grammar;

import java.time.Duration;
import java.util.Map;

/** Converted argument values of one parsed command line, by parameter or flag name, plus who typed it. */
public record Arguments(Map<String, Object> values, String userName, String userId) {
    public Arguments {
        values = Map.copyOf(values);
    }

    public String string(String name) { return (String) values.get(name); }

    public Duration duration(String name) { return (Duration) values.get(name); }

    public boolean has(String name) { return values.containsKey(name); }

    public boolean flag(String name) { return Boolean.TRUE.equals(values.get(name)); }
}
