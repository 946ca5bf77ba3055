package dev.dolly.agent.masking;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Rule {@code email}: a fake address whose local part carries a 65-bit keyed-hash token (so
 * it stays unique), at {@code domain} (example.com) or, with {@code keepDomain}, the original domain.
 */
final class EmailMask {

    private EmailMask() {}

    static Transformer create(Rule rule, boolean ci, Prf p) {
        String domain = rule.text("domain", "example.com").toLowerCase(Locale.ROOT);
        boolean keepDomain = Boolean.TRUE.equals(rule.bool("keepDomain"));
        if (keepDomain || !Ascii.plain(domain)) {
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
            Ascii.write(out, Fakes.pickBytes(Fakes.FIRST_LOWER_BYTES, h[0]));
            out.write('.');
            Ascii.write(out, Fakes.pickBytes(Fakes.LAST_LOWER_BYTES, h[0] >>> 32));
            out.write('.');
            Ascii.token(out, h);
            Ascii.write(out, at);
        });
    }
}
