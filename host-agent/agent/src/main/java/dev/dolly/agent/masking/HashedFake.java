package dev.dolly.agent.masking;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Hash the input (lower-cased for citext), build the fake from the hash. The byte path hashes
 * the field's bytes as they are (they are the value's UTF-8 when the field has no escapes), so
 * both paths give the same output.
 */
final class HashedFake implements ByteTransformer {

    /** A fake that is a pure function of the 128 hash bits of the (normalized) input: ASCII, nothing to escape. */
    @FunctionalInterface
    interface AsciiFake {
        void write(long[] h, ByteBuf out);
    }

    private static final ThreadLocal<ByteBuf> SCRATCH = ThreadLocal.withInitial(() -> new ByteBuf(256));
    private static final ThreadLocal<byte[]> LOWER = ThreadLocal.withInitial(() -> new byte[256]);

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
