package dev.dolly.agent.masking;

/**
 * Writing the ASCII text of fakes straight into a {@link ByteBuf}: strings, decimal numbers, hash tokens.
 */
final class Ascii {

    private Ascii() {}

    static void write(ByteBuf out, String s) {
        for (int i = 0; i < s.length(); i++) {
            out.write(s.charAt(i));
        }
    }

    static void write(ByteBuf out, byte[] s) {
        out.write(s, 0, s.length);
    }

    static void number(ByteBuf out, long v) {
        if (v >= 10) {
            number(out, v / 10);
        }
        out.write('0' + (int) (v % 10));
    }

    static void token(ByteBuf out, long[] h) {
        Fakes.token(h, out);
    }

    static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
