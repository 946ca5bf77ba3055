package dev.dolly.agent.masking;

import dev.dolly.agent.masking.ColumnType.Family;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Rule {@code noise}: adds keyed pseudo-random noise (a {@code percent} of the value or an absolute {@code amount}), never zero.
 */
final class NoiseMask {

    private NoiseMask() {}

    static Transformer create(Rule rule, ColumnType type, Prf p) {
        Family f = type.family();
        boolean lenient = f.textLike();
        if (!f.numeric() && !lenient) {
            throw Transformers.typeError(rule, type, "an integer, numeric or float type");
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
}
