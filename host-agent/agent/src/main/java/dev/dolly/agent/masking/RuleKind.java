package dev.dolly.agent.masking;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The masking rules a column (or, for {@link #TRUNCATE}, a table) can have. */
public enum RuleKind {
    /** Copy the value as is; also tells the PII gate the column was reviewed. */
    KEEP("keep"),
    /** Always NULL. */
    NULL("null"),
    /** A fixed value ({@code value}); NULL stays NULL unless {@code replaceNull: true}. */
    CONSTANT("constant"),
    /** Deterministic salted hash, type-aware (hex text, uuid, bytea, or a keyed permutation of integers). */
    HASH("hash"),
    /** A realistic fake email address with a uniqueness token. */
    EMAIL("email"),
    /** A realistic fake person name ({@code part: full|first|last}). */
    NAME("name"),
    /** The same phone number shape: punctuation kept, every digit (and any other character) replaced by a digit. */
    PHONE("phone"),
    /** A realistic fake address ({@code part: street|full|city|postcode}). */
    ADDRESS("address"),
    /** Keep the first/last N characters, mask the rest ({@code keepFirst}, {@code keepLast}, {@code mask}). */
    PARTIAL("partial"),
    /** Shift a date/timestamp by a deterministic, non-zero number of days within ±{@code days}. */
    DATE_SHIFT("dateShift"),
    /** Add deterministic bounded noise to a number ({@code percent} or {@code amount}). */
    NOISE("noise"),
    /** Replace every match of {@code pattern} with {@code replace}. */
    REGEX("regex"),
    /** Evaluate {@code expr} on the source inside the COPY query. */
    SQL("sql"),
    /** Apply rules to paths inside a json/jsonb value ({@code paths: {"$.a.b": email}}). */
    JSON("json"),
    /** Not copied: left to the target's generation or trigger (tsvector columns a trigger maintains). */
    RECOMPUTE("recompute"),
    /** Table-level: copy the table empty. */
    TRUNCATE("truncate");

    private final String yamlName;

    RuleKind(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    public static Optional<RuleKind> parse(String s) {
        String n = s.trim().replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(k -> k.yamlName.toLowerCase(Locale.ROOT).equals(n))
                .findFirst();
    }

    public static String known() {
        return Arrays.stream(values()).map(RuleKind::yamlName).collect(Collectors.joining(", "));
    }

    /** Rules whose output is a pure function of the input, so equal inputs stay equal (joins hold). */
    public boolean deterministic() {
        return this != SQL;
    }
}
