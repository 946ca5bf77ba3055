package dev.dolly.slack.grammar;

import java.util.regex.Pattern;

/** What a positional argument or flag value may be, and how it is checked and converted. */
public enum ValueType {
    /** A clone, template or savepoint name, as the agent accepts it. */
    NAME("a name of lowercase letters, digits, `-` and `_`, starting with a letter (e.g. `shop-alice`)",
            Pattern.compile("[a-z][a-z0-9_-]{0,62}")),
    /** A snapshot (refresh) id. */
    SNAPSHOT_ID("a snapshot id as `/dolly snapshots <template>` lists them", Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")),
    /** A duration such as {@code 4h}; converted to {@link java.time.Duration}. */
    DURATION("a duration like `30m`, `4h` or `2d`", null),
    /** A command name (for {@code help}). */
    WORD("a word", Pattern.compile("[a-z-]{1,32}"));

    private final String description;
    private final Pattern pattern;

    ValueType(String description, Pattern pattern) {
        this.description = description;
        this.pattern = pattern;
    }

    public String description() { return description; }

    /** The typed value of {@code raw}; throws {@link IllegalArgumentException} with a message for the user. */
    public Object convert(String raw) {
        if (this == DURATION) return Durations.parse(raw);
        if (!pattern.matcher(raw).matches()) {
            throw new IllegalArgumentException("`" + raw + "` is not " + description);
        }
        return raw;
    }
}
