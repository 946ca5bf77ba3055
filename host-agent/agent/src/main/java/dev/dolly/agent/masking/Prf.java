package dev.dolly.agent.masking;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The keyed pseudo-random function behind every deterministic transformer: SipHash-2-4 with a
 * 128-bit output, keyed by the first 16 bytes of SHA-256(salt). Same salt and input give the same
 * bits in every table and every refresh; without the salt the output says nothing about the input.
 * SipHash is used instead of HMAC-SHA256 because it is ~10× cheaper per short value, which keeps
 * masking overhead low on wide refreshes.
 *
 * <p>A {@code purpose} string separates rules (an email fake and a name fake of the same input
 * draw independent bits) while keeping one rule consistent across columns.
 */
public final class Prf {

    private final long k0;
    private final long k1;

    public Prf(String salt) {
        if (salt == null || salt.isEmpty()) {
            throw new IllegalArgumentException("masking salt is empty");
        }
        byte[] d;
        try {
            d = MessageDigest.getInstance("SHA-256").digest(salt.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.k0 = le(d, 0);
        this.k1 = le(d, 8);
    }

    /** Raw key, for test vectors. */
    Prf(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /** Derive a sub-key for one purpose, so rules draw independent bits from the same input. */
    public Prf(Prf parent, String purpose) {
        long[] h = parent.hash128(purpose.getBytes(StandardCharsets.UTF_8), 0,
                purpose.getBytes(StandardCharsets.UTF_8).length);
        this.k0 = h[0];
        this.k1 = h[1];
    }

    public Prf forPurpose(String purpose) {
        return new Prf(this, purpose);
    }

    public long[] hash128(String s) {
        int n = s.length();
        if (n <= 64) {
            // ASCII fast path without allocating the UTF-8 bytes (same result: ASCII is its own UTF-8)
            byte[] b = SCRATCH.get();
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    byte[] u = s.getBytes(StandardCharsets.UTF_8);
                    return hash128(u, 0, u.length);
                }
                b[i] = (byte) c;
            }
            return hash128(b, 0, n);
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return hash128(b, 0, b.length);
    }

    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[64]);

    public long hash64(String s) {
        return hash128(s)[0];
    }

    /** SipHash-2-4-128 of {@code b[off, off+len)}; returns {low, high}. */
    public long[] hash128(byte[] b, int off, int len) {
        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1 ^ 0xeeL;
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;
        int end = off + len - (len & 7);
        for (int i = off; i < end; i += 8) {
            long m = le(b, i);
            v3 ^= m;
            // two rounds
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            v0 ^= m;
        }
        long m = ((long) len) << 56;
        int rem = len & 7;
        for (int i = 0; i < rem; i++) {
            m |= (b[end + i] & 0xffL) << (8 * i);
        }
        v3 ^= m;
        for (int r = 0; r < 2; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= m;
        v2 ^= 0xeeL;
        for (int r = 0; r < 4; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        long h0 = v0 ^ v1 ^ v2 ^ v3;
        v1 ^= 0xddL;
        for (int r = 0; r < 4; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        long h1 = v0 ^ v1 ^ v2 ^ v3;
        return new long[] {h0, h1};
    }

    private static long le(byte[] b, int i) {
        return (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16
                | (b[i + 3] & 0xffL) << 24 | (b[i + 4] & 0xffL) << 32 | (b[i + 5] & 0xffL) << 40
                | (b[i + 6] & 0xffL) << 48 | (b[i + 7] & 0xffL) << 56;
    }

    /** Keys are secret material: never print them. */
    @Override
    public String toString() {
        return "Prf[keyed]";
    }
}
