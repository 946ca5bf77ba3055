package dev.dolly.agent.masking;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dolly.agent.masking.ColumnType.Family;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Builds the {@link Transformer} for a rule on a column type. Type checks happen here, once, so a
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
            case CONSTANT -> constant(rule);
            case HASH -> hash(rule, type, p);
            case EMAIL -> {
                requireText(rule, type);
                yield limit(email(rule, f == Family.CITEXT, p), type.maxLength(), true);
            }
            case NAME -> {
                requireText(rule, type);
                yield limit(name(rule, f == Family.CITEXT, uniq, p), type.maxLength(), false);
            }
            case PHONE -> phone(rule, type, uniq, p);
            case ADDRESS -> {
                requireText(rule, type);
                yield limit(address(rule, f == Family.CITEXT, uniq, p), type.maxLength(), false);
            }
            case PARTIAL -> {
                requireText(rule, type);
                yield partial(rule);
            }
            case DATE_SHIFT -> dateShift(rule, type, p);
            case NOISE -> noise(rule, type, p);
            case REGEX -> {
                requireText(rule, type);
                yield regex(rule);
            }
            case JSON -> json(rule, type, prf);
            case SQL -> throw new MaskingConfigException(rule.where() + ": sql rules run on the source, not in the transformer");
            case TRUNCATE -> throw new MaskingConfigException(rule.where() + ": truncate is a table rule ('schema.table: truncate'), not a column rule");
        };
    }

    private static void requireText(Rule rule, ColumnType type) {
        if (!type.family().textLike()) {
            throw typeError(rule, type, "text, varchar, char or citext");
        }
    }

    private static MaskingConfigException typeError(Rule rule, ColumnType type, String wants) {
        return new MaskingConfigException(rule.where() + ": rule " + rule.kind().yamlName()
                + " does not apply to type " + type.sqlType() + " (it needs " + wants + ")");
    }

    // ---------------------------------------------------------------- constant

    private static Transformer constant(Rule rule) {
        JsonNode v = rule.params().get("value");
        String value = v == null || v.isNull() ? null : v.isTextual() ? v.asText() : v.toString();
        boolean replaceNull = Boolean.TRUE.equals(rule.bool("replaceNull"));
        return new Transformer() {
            @Override
            public String apply(String in) {
                return value;
            }

            @Override
            public String applyNull() {
                return replaceNull ? value : null;
            }
        };
    }

    // ---------------------------------------------------------------- hash

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static Transformer hash(Rule rule, ColumnType type, Prf p) {
        Family f = type.family();
        switch (f) {
            case INT2, INT4, INT8 -> {
                int bits = f == Family.INT2 ? 16 : f == Family.INT4 ? 32 : 64;
                Feistel perm = new Feistel(p, bits);
                return v -> Long.toString(perm.permuteSigned(Long.parseLong(v.trim())));
            }
            case UUID -> {
                return v -> uuid(p.hash128(v.toLowerCase(Locale.ROOT)));
            }
            case INET -> {
                // a private-range address (not unique: 24 bits); inet and cidr both accept it
                return v -> {
                    long h = p.hash64(v.trim().toLowerCase(Locale.ROOT));
                    return "10." + ((h >>> 16) & 255) + "." + ((h >>> 8) & 255) + "." + (h & 255);
                };
            }
            case BYTEA -> {
                int bytes = rule.integer("length", 16, 1, 64);
                return v -> "\\x" + hex(p, v, bytes * 2);
            }
            case JSON, JSONB -> {
                int len = rule.integer("length", 32, 8, 64);
                return v -> "\"" + hex(p, v, len) + "\"";
            }
            case TEXT, CITEXT -> {
                int len = rule.integer("length", 32, 8, 64);
                if (type.maxLength() > 0 && type.maxLength() < len) {
                    len = type.maxLength();
                }
                int n = len;
                boolean ci = f == Family.CITEXT;
                if (n <= 32) {
                    return new HashedFake(p, ci, (h, out) -> {
                        for (int i = 0; i < n; i++) {
                            long word = i < 16 ? h[0] : h[1];
                            out.write(HEX[(int) ((word >>> (4 * (i % 16))) & 15)]);
                        }
                    });
                }
                return v -> hex(p, ci ? v.toLowerCase(Locale.ROOT) : v, n);
            }
            default -> throw typeError(rule, type, "text, citext, an integer type, uuid, bytea, inet or json");
        }
    }

    static String hex(Prf p, String v, int chars) {
        byte[] in = v.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[chars];
        long[] h = p.hash128(in, 0, in.length);
        int block = 0;
        for (int i = 0; i < chars; i++) {
            int nib = i % 32;
            if (nib == 0 && i > 0) {
                block++;
                byte[] b2 = (block + ":" + v).getBytes(StandardCharsets.UTF_8);
                h = p.hash128(b2, 0, b2.length);
            }
            long word = nib < 16 ? h[0] : h[1];
            out[i] = HEX[(int) ((word >>> (4 * (nib % 16))) & 15)];
        }
        return new String(out);
    }

    private static String uuid(long[] h) {
        long hi = (h[0] & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long lo = (h[1] & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new java.util.UUID(hi, lo).toString();
    }

    /** A keyed bijection on n-bit integers (4-round Feistel network), sign-preserving width. */
    static final class Feistel {
        private final Prf p;
        private final int half;
        private final long halfMask;
        private final int bits;

        Feistel(Prf p, int bits) {
            this.p = p;
            this.bits = bits;
            this.half = bits / 2;
            this.halfMask = (1L << half) - 1;
        }

        long permute(long x) {
            long l = (x >>> half) & halfMask;
            long r = x & halfMask;
            byte[] buf = new byte[9];
            for (int round = 0; round < 4; round++) {
                buf[0] = (byte) round;
                for (int i = 0; i < 8; i++) {
                    buf[1 + i] = (byte) (r >>> (8 * i));
                }
                long fr = p.hash128(buf, 0, 9)[0] & halfMask;
                long nl = r;
                r = l ^ fr;
                l = nl;
            }
            return (l << half) | r;
        }

        long permuteSigned(long v) {
            long mask = bits == 64 ? -1L : (1L << bits) - 1;
            long y = permute(v & mask);
            if (bits == 64) {
                return y;
            }
            // sign-extend back into the type's range
            return (y << (64 - bits)) >> (64 - bits);
        }
    }

    // ---------------------------------------------------------------- email / name / address

    /** A fake that is a pure function of the 128 hash bits of the (normalized) input: ASCII, nothing to escape. */
    @FunctionalInterface
    interface AsciiFake {
        void write(long[] h, ByteBuf out);
    }

    private static final ThreadLocal<ByteBuf> SCRATCH = ThreadLocal.withInitial(() -> new ByteBuf(256));
    private static final ThreadLocal<byte[]> LOWER = ThreadLocal.withInitial(() -> new byte[256]);

    /**
     * Hash the input (lower-cased for citext), build the fake from the hash. The byte path hashes
     * the field's bytes as they are (they are the value's UTF-8 when the field has no escapes), so
     * both paths give the same output.
     */
    static final class HashedFake implements ByteTransformer {
        private final Prf p;
        private final boolean ci;
        private final AsciiFake fake;

        HashedFake(Prf p, boolean ci, AsciiFake fake) {
            this.p = p;
            this.ci = ci;
            this.fake = fake;
        }

        @Override
        public String apply(String v) {
            long[] h = p.hash128(ci ? v.toLowerCase(Locale.ROOT) : v);
            ByteBuf tmp = SCRATCH.get();
            tmp.reset();
            fake.write(h, tmp);
            return new String(tmp.array(), 0, tmp.size(), StandardCharsets.ISO_8859_1);
        }

        @Override
        public boolean applyBytes(byte[] b, int start, int end, ByteBuf out) {
            int n = end - start;
            long[] h;
            if (ci) {
                if (n > 256) {
                    return false;
                }
                byte[] low = LOWER.get();
                for (int i = 0; i < n; i++) {
                    byte c = b[start + i];
                    if (c < 0 || c == '\\') {
                        return false;   // non-ASCII case folding, or an escape: the String path
                    }
                    low[i] = c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
                }
                h = p.hash128(low, 0, n);
            } else {
                for (int i = start; i < end; i++) {
                    if (b[i] == '\\') {
                        return false;
                    }
                }
                h = p.hash128(b, start, n);
            }
            fake.write(h, out);
            return true;
        }
    }

    private static void ascii(ByteBuf out, String s) {
        for (int i = 0; i < s.length(); i++) {
            out.write(s.charAt(i));
        }
    }

    private static void ascii(ByteBuf out, byte[] s) {
        out.write(s, 0, s.length);
    }

    private static void number(ByteBuf out, long v) {
        if (v >= 10) {
            number(out, v / 10);
        }
        out.write('0' + (int) (v % 10));
    }

    private static void token(ByteBuf out, long[] h) {
        Fakes.token(h, out);
    }

    private static boolean plainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static Transformer email(Rule rule, boolean ci, Prf p) {
        String domain = rule.text("domain", "example.com").toLowerCase(Locale.ROOT);
        boolean keepDomain = Boolean.TRUE.equals(rule.bool("keepDomain"));
        if (keepDomain || !plainAscii(domain)) {
            return v -> {
                String key = ci ? v.toLowerCase(Locale.ROOT) : v;
                long[] h = p.hash128(key);
                String d = domain;
                if (keepDomain) {
                    int at = v.lastIndexOf('@');
                    if (at >= 0 && at < v.length() - 1) {
                        d = v.substring(at + 1).toLowerCase(Locale.ROOT);
                    }
                }
                return Fakes.pick(Fakes.FIRST_LOWER, h[0]) + "." + Fakes.pick(Fakes.LAST_LOWER, h[0] >>> 32) + "."
                        + Fakes.token(h) + "@" + d;
            };
        }
        byte[] at = ("@" + domain).getBytes(StandardCharsets.US_ASCII);
        return new HashedFake(p, ci, (h, out) -> {
            ascii(out, Fakes.pickBytes(Fakes.FIRST_LOWER_BYTES, h[0]));
            out.write('.');
            ascii(out, Fakes.pickBytes(Fakes.LAST_LOWER_BYTES, h[0] >>> 32));
            out.write('.');
            token(out, h);
            ascii(out, at);
        });
    }

    private static Transformer name(Rule rule, boolean ci, boolean unique, Prf p) {
        String part = rule.text("part", "full").toLowerCase(Locale.ROOT);
        if (!part.equals("full") && !part.equals("first") && !part.equals("last")) {
            throw new MaskingConfigException(rule.where() + ".part: one of full, first, last (got '" + part + "')");
        }
        return new HashedFake(p, ci, (h, out) -> {
            if (!part.equals("last")) {
                ascii(out, Fakes.pickBytes(Fakes.FIRST_BYTES, h[0]));
            }
            if (part.equals("full")) {
                out.write(' ');
            }
            if (!part.equals("first")) {
                ascii(out, Fakes.pickBytes(Fakes.LAST_BYTES, h[0] >>> 32));
            }
            if (unique) {
                out.write(' ');
                token(out, h);
            }
        });
    }

    private static Transformer address(Rule rule, boolean ci, boolean unique, Prf p) {
        String part = rule.text("part", "street").toLowerCase(Locale.ROOT);
        if (!part.equals("full") && !part.equals("street") && !part.equals("city") && !part.equals("postcode")) {
            throw new MaskingConfigException(rule.where() + ".part: one of street, full, city, postcode (got '" + part + "')");
        }
        return new HashedFake(p, ci, (h, out) -> {
            long a = h[0];
            switch (part) {
                case "city" -> ascii(out, Fakes.pick(Fakes.CITY, a >>> 30));
                case "postcode" -> number(out, Long.remainderUnsigned(a >>> 36, 90000) + 10000);
                case "full" -> {
                    street(out, a);
                    out.write(',');
                    out.write(' ');
                    ascii(out, Fakes.pick(Fakes.CITY, a >>> 30));
                    out.write(' ');
                    number(out, Long.remainderUnsigned(a >>> 36, 90000) + 10000);
                }
                default -> street(out, a);
            }
            if (unique) {
                ascii(out, ", Unit ");
                token(out, h);
            }
        });
    }

    private static void street(ByteBuf out, long a) {
        number(out, 1 + Long.remainderUnsigned(a, 9899));
        out.write(' ');
        ascii(out, Fakes.pick(Fakes.STREET, a >>> 14));
        out.write(' ');
        ascii(out, Fakes.pick(Fakes.SUFFIX, a >>> 24));
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

    // ---------------------------------------------------------------- phone

    private static Transformer phone(Rule rule, ColumnType type, boolean unique, Prf p) {
        Family f = type.family();
        boolean numeric = f.integer() || f == Family.NUMERIC;
        if (!f.textLike() && !numeric) {
            throw typeError(rule, type, "text, citext or a numeric type");
        }
        if (numeric && unique) {
            throw new MaskingConfigException(rule.where() + ": phone cannot keep an integer column unique; use hash (a keyed permutation) instead");
        }
        int keepFirst = rule.integer("keepFirst", 0, 0, 20);
        int max = type.maxLength();
        return new ByteTransformer() {
            @Override
            public String apply(String v) {
                long[] h = p.hash128(v);
                char[] digits = digits(p, v, h, v.length());
                StringBuilder out = new StringBuilder(v.length() + 24);
                int digit = 0;
                for (int i = 0; i < v.length(); i++) {
                    char c = v.charAt(i);
                    if (PHONE_PUNCTUATION.indexOf(c) >= 0) {
                        out.append(c);
                    } else {
                        // digits, and anything else (letters of vanity numbers, free text): never kept
                        char d = digit < keepFirst && c >= '0' && c <= '9' ? c : digits[digit];
                        if (digit == 0 && numeric && d == '0') {
                            d = (char) ('1' + Long.remainderUnsigned(h[1], 9));
                        }
                        out.append(d);
                        digit++;
                    }
                }
                if (unique) {
                    out.append(" x").append(Long.toUnsignedString(h[1] & 0x1fffffffffffffL));
                }
                String s = out.toString();
                return max > 0 && s.length() > max ? s.substring(0, max) : s;
            }

            /** The same, straight from ASCII bytes (anything else takes the String path). */
            @Override
            public boolean applyBytes(byte[] b, int start, int end, ByteBuf out) {
                int n = end - start;
                if (max > 0 || n > 36) {
                    return false;
                }
                for (int i = start; i < end; i++) {
                    if (b[i] < 0 || b[i] == '\\') {
                        return false;
                    }
                }
                long[] h = p.hash128(b, start, n);
                long w = h[0] >>> 1;
                int inWord = 0;
                int digit = 0;
                for (int i = start; i < end; i++) {
                    byte c = b[i];
                    if (PHONE_PUNCTUATION.indexOf(c) >= 0) {
                        out.write(c);
                        continue;
                    }
                    // the digit stream of digits(): 18 digits from each 63-bit half of the hash
                    if (inWord == 18) {
                        w = h[1] >>> 1;
                        inWord = 0;
                    }
                    char r = (char) ('0' + (int) (w % 10));
                    w /= 10;
                    inWord++;
                    char d = digit < keepFirst && c >= '0' && c <= '9' ? (char) c : r;
                    if (digit == 0 && numeric && d == '0') {
                        d = (char) ('1' + Long.remainderUnsigned(h[1], 9));
                    }
                    out.write(d);
                    digit++;
                }
                if (unique) {
                    out.write(' ');
                    out.write('x');
                    number(out, h[1] & 0x1fffffffffffffL);
                }
                return true;
            }
        };
    }

    /** Characters a phone number keeps in place; every other character becomes a digit. */
    private static final String PHONE_PUNCTUATION = " +-()./";

    /** At least {@code n} pseudo-random decimal digits derived from {@code h} (and more blocks if needed). */
    private static char[] digits(Prf p, String v, long[] h, int n) {
        char[] out = new char[n];
        int k = 0;
        int block = 0;
        long[] cur = h;
        while (k < n) {
            for (long w : cur) {
                long x = w >>> 1;                    // 63 bits: 18 decimal digits
                for (int i = 0; i < 18 && k < n; i++) {
                    out[k++] = (char) ('0' + (int) (x % 10));
                    x /= 10;
                }
            }
            if (k < n) {
                block++;
                cur = p.hash128(block + ":" + v);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- partial

    private static Transformer partial(Rule rule) {
        int keepFirst = rule.integer("keepFirst", 0, 0, 1000);
        int keepLast = rule.integer("keepLast", rule.has("keepFirst") ? 0 : 4, 0, 1000);
        String mask = rule.text("mask", "*");
        if (mask.isEmpty()) {
            throw new MaskingConfigException(rule.where() + ".mask: must not be empty");
        }
        return v -> {
            int n = v.codePointCount(0, v.length());
            StringBuilder out = new StringBuilder(v.length());
            if (n <= keepFirst + keepLast) {
                out.append(mask.repeat(n));
                return out.toString();
            }
            int startEnd = v.offsetByCodePoints(0, keepFirst);
            int tailStart = v.offsetByCodePoints(0, n - keepLast);
            out.append(v, 0, startEnd);
            out.append(mask.repeat(n - keepFirst - keepLast));
            out.append(v, tailStart, v.length());
            return out.toString();
        };
    }

    // ---------------------------------------------------------------- date shift

    private static Transformer dateShift(Rule rule, ColumnType type, Prf p) {
        Family f = type.family();
        boolean lenient = f.textLike();  // strings inside json paths
        if (!f.temporal() && !lenient) {
            throw typeError(rule, type, "date, timestamp or timestamptz");
        }
        int days = rule.integer("days", 30, 1, 36500);
        return v -> {
            try {
                return shiftDate(v, days, p);
            } catch (RuntimeException e) {
                if (lenient) {
                    return null;  // not a date: never let it through unmasked
                }
                throw new IllegalArgumentException("cannot shift date value of type " + type.sqlType());
            }
        };
    }

    static String shiftDate(String v, int days, Prf p) {
        String s = v.trim();
        if (s.equals("infinity") || s.equals("-infinity")) {
            return s;
        }
        boolean bc = s.endsWith(" BC");
        if (bc) {
            s = s.substring(0, s.length() - 3);
        }
        int sep = 0;
        // the date part: digits, '-', up to ' ' or 'T'
        int dash1 = s.indexOf('-', 1);
        if (dash1 < 0) {
            throw new IllegalArgumentException("not a date");
        }
        sep = s.length();
        for (int i = dash1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == 'T') {
                sep = i;
                break;
            }
        }
        String datePart = s.substring(0, sep);
        String rest = s.substring(sep);
        int d2 = datePart.indexOf('-', dash1 + 1);
        int year = Integer.parseInt(datePart.substring(0, dash1));
        int month = Integer.parseInt(datePart.substring(dash1 + 1, d2));
        int day = Integer.parseInt(datePart.substring(d2 + 1));
        int isoYear = bc ? 1 - year : year;
        long h = p.hash64(v);
        int magnitude = 1 + (int) Long.remainderUnsigned(h >>> 1, days);
        int offset = (h & 1) == 0 ? magnitude : -magnitude;
        LocalDate shifted;
        try {
            shifted = LocalDate.of(isoYear, month, day).plusDays(offset);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("not a date", e);
        }
        int y = shifted.getYear();
        boolean outBc = y <= 0;
        int shownYear = outBc ? 1 - y : y;
        StringBuilder out = new StringBuilder(s.length() + 3);
        String ys = Integer.toString(shownYear);
        for (int i = ys.length(); i < 4; i++) {
            out.append('0');
        }
        out.append(ys).append('-');
        int m = shifted.getMonthValue();
        int dd = shifted.getDayOfMonth();
        out.append(m < 10 ? "0" : "").append(m).append('-').append(dd < 10 ? "0" : "").append(dd);
        return out.append(rest).append(outBc ? " BC" : "").toString();
    }

    // ---------------------------------------------------------------- noise

    private static Transformer noise(Rule rule, ColumnType type, Prf p) {
        Family f = type.family();
        boolean lenient = f.textLike();
        if (!f.numeric() && !lenient) {
            throw typeError(rule, type, "an integer, numeric or float type");
        }
        if (rule.has("percent") && rule.has("amount")) {
            throw new MaskingConfigException(rule.where() + ": give either percent or amount, not both");
        }
        boolean relative = !rule.has("amount");
        double bound = relative ? rule.number("percent", 10) / 100.0 : rule.number("amount", 1);
        if (!(bound > 0) || Double.isInfinite(bound)) {
            throw new MaskingConfigException(rule.where() + ": noise bound must be a positive number");
        }
        long min = f == Family.INT2 ? Short.MIN_VALUE : f == Family.INT4 ? Integer.MIN_VALUE : Long.MIN_VALUE;
        long max = f == Family.INT2 ? Short.MAX_VALUE : f == Family.INT4 ? Integer.MAX_VALUE : Long.MAX_VALUE;
        return v -> {
            long h = p.hash64(v);
            double u = ((h >>> 11) * 0x1.0p-53) * 2 - 1;  // uniform in [-1, 1)
            String s = v.trim();
            if (f.integer()) {
                long x = Long.parseLong(s);
                double delta = relative ? x * bound * u : bound * u;
                long y = clamp(Math.round(x + delta), min, max);
                if (y == x) {
                    y = clamp(u >= 0 ? x + 1 : x - 1, min, max);
                    if (y == x) {
                        y = u >= 0 ? x - 1 : x + 1;
                    }
                }
                return Long.toString(y);
            }
            if (f == Family.FLOAT) {
                double x = Double.parseDouble(s);
                if (Double.isNaN(x) || Double.isInfinite(x)) {
                    return s;
                }
                double y = relative ? x * (1 + bound * u) : x + bound * u;
                if (y == x) {
                    y = Math.nextAfter(x, u >= 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
                }
                return Double.toString(y);
            }
            // numeric (or a number inside json)
            if (s.equalsIgnoreCase("NaN") || s.toLowerCase(Locale.ROOT).contains("infinity")) {
                return s;
            }
            BigDecimal x;
            try {
                x = new BigDecimal(s);
            } catch (NumberFormatException e) {
                if (lenient) {
                    return null;
                }
                throw e;
            }
            int scale = Math.max(0, x.scale());
            BigDecimal delta = relative
                    ? x.multiply(BigDecimal.valueOf(bound * u))
                    : BigDecimal.valueOf(bound * u);
            BigDecimal y = x.add(delta).setScale(scale, RoundingMode.HALF_EVEN);
            if (y.compareTo(x) == 0) {
                BigDecimal ulp = BigDecimal.ONE.movePointLeft(scale);
                y = u >= 0 ? x.add(ulp) : x.subtract(ulp);
                y = y.setScale(scale, RoundingMode.HALF_EVEN);
            }
            return y.toPlainString();
        };
    }

    private static long clamp(long v, long min, long max) {
        return Math.max(min, Math.min(max, v));
    }

    // ---------------------------------------------------------------- regex

    private static Transformer regex(Rule rule) {
        String pattern = rule.text("pattern", null);
        if (pattern == null) {
            throw new MaskingConfigException(rule.where() + ": regex needs 'pattern:'");
        }
        Pattern re;
        try {
            re = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new MaskingConfigException(rule.where() + ".pattern: " + e.getDescription() + " in '" + pattern + "'");
        }
        String replace = rule.text("replace", "");
        try {
            re.matcher("").replaceAll(replace);
        } catch (RuntimeException e) {
            throw new MaskingConfigException(rule.where() + ".replace: " + e.getMessage());
        }
        return v -> re.matcher(v).replaceAll(replace);
    }

    // ---------------------------------------------------------------- json

    private static Transformer json(Rule rule, ColumnType type, Prf prf) {
        if (!type.family().json()) {
            throw typeError(rule, type, "json or jsonb");
        }
        JsonNode paths = rule.params().get("paths");
        if (paths == null || !paths.isObject() || paths.isEmpty()) {
            throw new MaskingConfigException(rule.where() + ": json needs 'paths:' mapping JSON paths to rules, e.g. {\"$.contact.email\": email}");
        }
        Map<JsonPaths.Path, Transformer> rules = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String where = rule.where() + ".paths[" + e.getKey() + "]";
            JsonPaths.Path path = JsonPaths.parse(e.getKey(), where);
            Rule sub = Rule.parse(e.getValue(), where);
            switch (sub.kind()) {
                case JSON, SQL, TRUNCATE -> throw new MaskingConfigException(where + ": rule " + sub.kind().yamlName() + " cannot be used inside a JSON value");
                case KEEP -> { continue; }
                default -> { }
            }
            // values inside JSON are strings or numbers: build the leaf rule for text,
            // with date/number parsing lenient (unparseable values become null, never the original)
            rules.put(path, create(sub, ColumnType.of(Family.TEXT), false, prf));
        }
        return JsonPaths.transformer(rules);
    }
}
