package dev.dolly.agent.masking;

import dev.dolly.agent.masking.ColumnType.Family;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Rule {@code hash}: 128-bit hex, uuid or bytea values from the keyed hash; on integer columns a
 * keyed {@link Feistel} permutation of the type's range (a bijection: never collides); on inet a
 * private-range address.
 */
final class HashMask {

    private HashMask() {}

    static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Fewest bits a hash on a unique column may have (fewer collide in tables of millions of rows). */
    static final int MIN_UNIQUE_BITS = 64;

    static Transformer create(Rule rule, ColumnType type, boolean unique, Prf p) {
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
                requireBits(rule, type, unique, bytes * 8, "length: " + MIN_UNIQUE_BITS / 8);
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
                requireBits(rule, type, unique, len * 4, type.maxLength() > 0 && type.maxLength() < MIN_UNIQUE_BITS / 4
                        ? "the column needs at least " + MIN_UNIQUE_BITS / 4 + " characters" : "length: " + MIN_UNIQUE_BITS / 4);
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
            default -> throw Transformers.typeError(rule, type, "text, citext, an integer type, uuid, bytea, inet or json");
        }
    }

    private static void requireBits(Rule rule, ColumnType type, boolean unique, int bits, String needed) {
        if (unique && bits < MIN_UNIQUE_BITS) {
            throw new MaskingConfigException(rule.where() + ": the column is unique and rule hash would keep only " + bits
                    + " bits on type " + type.sqlType() + " (at least " + MIN_UNIQUE_BITS + " are needed to stay unique): "
                    + needed);
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
}
