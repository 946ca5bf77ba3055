package dev.dolly.agent.masking;

import dev.dolly.agent.masking.ColumnType.Family;

/** Kinds of personal data the coverage gate looks for, with the rule it suggests for each. */
public enum PiiKind {
    EMAIL("email addresses"),
    PHONE("phone numbers"),
    PERSON_NAME("person names"),
    ADDRESS("postal addresses"),
    BIRTH_DATE("birth dates"),
    NATIONAL_ID("national id numbers"),
    IBAN("IBANs"),
    CARD("payment card numbers"),
    IP_ADDRESS("IP addresses"),
    /** Search lexemes (tsvector): the raw words of the text they index. */
    LEXEMES("search lexemes");

    private final String plural;

    PiiKind(String plural) {
        this.plural = plural;
    }

    public String plural() {
        return plural;
    }

    /** Can a column of this type hold this kind of value? (an int column called email_count cannot hold emails) */
    public boolean fits(ColumnType t) {
        Family f = t.family();
        if (f.json()) {
            return true;
        }
        return switch (this) {
            case EMAIL, PERSON_NAME, ADDRESS -> f.textLike();
            case PHONE, NATIONAL_ID, IBAN, CARD -> f.textLike() || f == Family.INT8 || f == Family.NUMERIC
                    || (this == NATIONAL_ID && f == Family.INT4);
            case BIRTH_DATE -> f.temporal() || f.textLike();
            case IP_ADDRESS -> f.textLike() || f == Family.INET;
            case LEXEMES -> f == Family.OTHER;
        };
    }

    /** The rule the gate proposes for a whole column of this kind and type. */
    public String suggestedRule(ColumnType t, boolean unique) {
        Family f = t.family();
        return switch (this) {
            case EMAIL -> "email";
            case PHONE -> f.textLike() && !unique ? "phone" : "hash";
            case PERSON_NAME -> "name";
            case ADDRESS -> "address";
            case BIRTH_DATE -> f.temporal() ? "{rule: dateShift, days: 180}" : "hash";
            case NATIONAL_ID, IBAN -> "hash";
            case CARD -> f.textLike() && !unique ? "{rule: partial, keepLast: 4}" : "hash";
            case IP_ADDRESS -> "hash";
            case LEXEMES -> "recompute";
        };
    }

    /** The rule the gate proposes for values of this kind embedded in free text. */
    public String embeddedRule() {
        return switch (this) {
            case EMAIL -> "{rule: regex, pattern: '[^@\\s]+@[^@\\s]+', replace: 'redacted@example.com'}";
            case PHONE -> "{rule: regex, pattern: '\\+?\\d[\\d ().-]{6,}\\d', replace: '+1 555 0100'}";
            case CARD -> "{rule: regex, pattern: '\\b(?:\\d[ -]?){12,18}\\d\\b', replace: 'XXXX-XXXX-XXXX-XXXX'}";
            case NATIONAL_ID -> "{rule: regex, pattern: '\\b\\d{3}-\\d{2}-\\d{4}\\b', replace: 'XXX-XX-XXXX'}";
            case IBAN -> "{rule: regex, pattern: '\\b[A-Z]{2}\\d{2}[A-Z0-9]{11,30}\\b', replace: 'XX00XXXX'}";
            case IP_ADDRESS -> "{rule: regex, pattern: '\\b\\d{1,3}(\\.\\d{1,3}){3}\\b', replace: '192.0.2.1'}";
            default -> "null";
        };
    }
}
