package dev.dolly.agent.masking;

/** A keyed bijection on n-bit integers (4-round Feistel network), sign-preserving width. */
final class Feistel {
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
