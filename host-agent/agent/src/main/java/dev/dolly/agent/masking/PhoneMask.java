package dev.dolly.agent.masking;

import dev.dolly.agent.masking.ColumnType.Family;

/**
 * Rule {@code phone}: every digit (and letter) replaced by keyed-hash digits, punctuation kept
 * in place, the first {@code keepFirst} digits kept; a {@code x<token>} suffix when unique.
 */
final class PhoneMask {

    private PhoneMask() {}

    static Transformer create(Rule rule, ColumnType type, boolean unique, Prf p) {
        Family f = type.family();
        boolean numeric = f.integer() || f == Family.NUMERIC;
        if (!f.textLike() && !numeric) {
            throw Transformers.typeError(rule, type, "text, citext or a numeric type");
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
                    Ascii.number(out, h[1] & 0x1fffffffffffffL);
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
}
