package dev.dolly.agent.masking;

import dev.dolly.agent.masking.ColumnType.Family;

/**
 * Builds the {@link Transformer} for a rule on a column type: the one factory over the rules
 * ({@link HashMask}, {@link EmailMask}, {@link NameMask}, … one class each). Type checks happen here, once, so a
 * rule that cannot apply fails the refresh before any row is copied.
 *
 * <p>Every deterministic fake draws its bits from {@code prf.forPurpose(rule name)} applied to the
 * value (lower-cased first for citext, whose equality ignores case), so equal inputs give equal
 * outputs in every table and refresh with the same salt, and foreign keys keep joining.
 *
 * <p>Uniqueness: {@code email} always carries a 65-bit keyed-hash token in its local part;
 * {@code name}, {@code phone} and {@code address} carry the same token when the column is unique
 * (or {@code unique: true}); {@code hash} gives 128-bit hex/uuid/bytea values, and on integer
 * columns a keyed Feistel permutation of the type's range, which is a bijection (never collides).
 */
public final class Transformers {

    public static final Transformer IDENTITY = v -> v;

    private Transformers() {}

    /**
     * @param unique whether the column must stay unique (auto-detected from the source; the rule's
     *               {@code unique:} parameter overrides it for name/phone/address)
     */
    public static Transformer create(Rule rule, ColumnType type, boolean unique, Prf prf) {
        if (type.array() && rule.kind() != RuleKind.NULL && rule.kind() != RuleKind.CONSTANT
                && rule.kind() != RuleKind.KEEP) {
            Transformer element = create(rule, type.element(), unique, prf);
            return new Transformer() {
                @Override
                public String apply(String value) {
                    return PgArray.map(value, element);
                }
            };
        }
        Boolean u = rule.bool("unique");
        boolean uniq = u != null ? u : unique;
        Family f = type.family();
        Prf p = prf.forPurpose(rule.kind().yamlName());
        return switch (rule.kind()) {
            case KEEP -> IDENTITY;
            case NULL -> v -> null;
            case CONSTANT -> ConstantMask.create(rule);
            case HASH -> HashMask.create(rule, type, uniq, p);
            case EMAIL -> {
                requireText(rule, type);
                String domain = Boolean.TRUE.equals(rule.bool("keepDomain")) ? null : rule.text("domain", "example.com");
                if (uniq && domain != null) {
                    // the shortest form keeps the token: "<token>@<domain>"
                    fits(rule, type, Fakes.TOKEN_CHARS + 1 + domain.length());
                }
                yield limit(EmailMask.create(rule, f == Family.CITEXT, p), type.maxLength(), true);
            }
            case NAME -> {
                requireText(rule, type);
                Transformer name = NameMask.create(rule, f == Family.CITEXT, uniq, p);
                yield uniq ? keepToken(rule, type, name, 1) : limit(name, type.maxLength(), false);
            }
            case PHONE -> PhoneMask.create(rule, type, uniq, p);
            case ADDRESS -> {
                requireText(rule, type);
                Transformer address = AddressMask.create(rule, f == Family.CITEXT, uniq, p);
                yield uniq ? keepToken(rule, type, address, AddressMask.UNIT.length()) : limit(address, type.maxLength(), false);
            }
            case PARTIAL -> {
                requireText(rule, type);
                yield PartialMask.create(rule);
            }
            case DATE_SHIFT -> DateShiftMask.create(rule, type, p);
            case NOISE -> NoiseMask.create(rule, type, p);
            case REGEX -> {
                requireText(rule, type);
                yield RegexMask.create(rule);
            }
            case JSON -> JsonMask.create(rule, type, prf);
            case SQL -> throw new MaskingConfigException(rule.where() + ": sql rules run on the source, not in the transformer");
            case RECOMPUTE -> throw new MaskingConfigException(rule.where() + ": recompute columns are not copied, so no transformer applies");
            case TRUNCATE -> throw new MaskingConfigException(rule.where() + ": truncate is a table rule ('schema.table: truncate'), not a column rule");
        };
    }

    private static void requireText(Rule rule, ColumnType type) {
        if (!type.family().textLike()) {
            throw typeError(rule, type, "text, varchar, char or citext");
        }
    }

    static MaskingConfigException typeError(Rule rule, ColumnType type, String wants) {
        return new MaskingConfigException(rule.where() + ": rule " + rule.kind().yamlName()
                + " does not apply to type " + type.sqlType() + " (it needs " + wants + ")");
    }

    /** Shortest readable part a unique fake keeps before its separator and token. */
    private static final int MIN_READABLE = 1;

    /** Refuse, at plan time, a unique rule whose shortest output does not fit the column. */
    static void fits(Rule rule, ColumnType type, int needed) {
        if (type.maxLength() > 0 && type.maxLength() < needed) {
            throw new MaskingConfigException(rule.where() + ": the column is unique and of type " + type.sqlType()
                    + ", too short for rule " + rule.kind().yamlName() + " to keep its " + Fakes.TOKEN_CHARS
                    + "-character uniqueness token: the column needs at least " + needed + " characters (or use hash)");
        }
    }

    /**
     * A unique fake ends in {@code <separator><token>}: on a varchar(n) column the readable part
     * before it is shortened so the whole token always fits (a cut token would collide).
     */
    private static Transformer keepToken(Rule rule, ColumnType type, Transformer t, int separator) {
        int max = type.maxLength();
        int tail = separator + Fakes.TOKEN_CHARS;
        fits(rule, type, MIN_READABLE + tail);
        if (max <= 0) {
            return t;
        }
        return v -> {
            String s = t.apply(v);
            if (s == null || s.length() <= max) {
                return s;
            }
            String readable = s.substring(0, max - tail).stripTrailing();
            return readable + s.substring(s.length() - tail);
        };
    }

    /** Cut fakes to a varchar(n) limit; emails drop the name part first so they stay addresses. */
    private static Transformer limit(Transformer t, int maxLength, boolean isEmail) {
        if (maxLength <= 0) {
            return t;
        }
        return v -> {
            String s = t.apply(v);
            if (s == null || s.codePointCount(0, s.length()) <= maxLength) {
                return s;
            }
            if (isEmail) {
                int dot = s.lastIndexOf('.', s.indexOf('@'));
                String shorter = s.substring(dot + 1);
                if (shorter.length() <= maxLength) {
                    return shorter;
                }
                s = shorter;
            }
            return s.substring(0, s.offsetByCodePoints(0, maxLength));
        };
    }
}
