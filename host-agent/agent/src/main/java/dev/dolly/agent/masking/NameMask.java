package dev.dolly.agent.masking;

import java.util.Locale;

/**
 * Rule {@code name}: a fake full, first or last name ({@code part}), with a token when the column is unique.
 */
final class NameMask {

    private NameMask() {}

    static Transformer create(Rule rule, boolean ci, boolean unique, Prf p) {
        String part = rule.text("part", "full").toLowerCase(Locale.ROOT);
        if (!part.equals("full") && !part.equals("first") && !part.equals("last")) {
            throw new MaskingConfigException(rule.where() + ".part: one of full, first, last (got '" + part + "')");
        }
        return new HashedFake(p, ci, (h, out) -> {
            if (!part.equals("last")) {
                Ascii.write(out, Fakes.pickBytes(Fakes.FIRST_BYTES, h[0]));
            }
            if (part.equals("full")) {
                out.write(' ');
            }
            if (!part.equals("first")) {
                Ascii.write(out, Fakes.pickBytes(Fakes.LAST_BYTES, h[0] >>> 32));
            }
            if (unique) {
                out.write(' ');
                Ascii.token(out, h);
            }
        });
    }
}
