package dev.dolly.agent.masking;

import java.util.Locale;

/**
 * Rule {@code address}: a fake street, city, postcode or full address ({@code part}), with a unit token when unique.
 */
final class AddressMask {

    /** What separates a unique address from its token. */
    static final String UNIT = ", Unit ";

    private AddressMask() {}

    static Transformer create(Rule rule, boolean ci, boolean unique, Prf p) {
        String part = rule.text("part", "street").toLowerCase(Locale.ROOT);
        if (!part.equals("full") && !part.equals("street") && !part.equals("city") && !part.equals("postcode")) {
            throw new MaskingConfigException(rule.where() + ".part: one of street, full, city, postcode (got '" + part + "')");
        }
        return new HashedFake(p, ci, (h, out) -> {
            long a = h[0];
            switch (part) {
                case "city" -> Ascii.write(out, Fakes.pick(Fakes.CITY, a >>> 30));
                case "postcode" -> Ascii.number(out, Long.remainderUnsigned(a >>> 36, 90000) + 10000);
                case "full" -> {
                    street(out, a);
                    out.write(',');
                    out.write(' ');
                    Ascii.write(out, Fakes.pick(Fakes.CITY, a >>> 30));
                    out.write(' ');
                    Ascii.number(out, Long.remainderUnsigned(a >>> 36, 90000) + 10000);
                }
                default -> street(out, a);
            }
            if (unique) {
                Ascii.write(out, UNIT);
                Ascii.token(out, h);
            }
        });
    }

    private static void street(ByteBuf out, long a) {
        Ascii.number(out, 1 + Long.remainderUnsigned(a, 9899));
        out.write(' ');
        Ascii.write(out, Fakes.pick(Fakes.STREET, a >>> 14));
        out.write(' ');
        Ascii.write(out, Fakes.pick(Fakes.SUFFIX, a >>> 24));
    }
}
