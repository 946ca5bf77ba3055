package dev.dolly.agent.masking;

/**
 * Rule {@code partial}: keeps the first {@code keepFirst} and last {@code keepLast} characters, masks the rest.
 */
final class PartialMask {

    private PartialMask() {}

    static Transformer create(Rule rule) {
        int keepFirst = rule.integer("keepFirst", 0, 0, 1000);
        int keepLast = rule.integer("keepLast", rule.has("keepFirst") ? 0 : 4, 0, 1000);
        String mask = rule.text("mask", "*");
        if (mask.isEmpty()) {
            throw new MaskingConfigException(rule.where() + ".mask: must not be empty");
        }
        return v -> {
            int n = v.codePointCount(0, v.length());
            StringBuilder out = new StringBuilder(v.length());
            if (n <= keepFirst + keepLast) {
                out.append(mask.repeat(n));
                return out.toString();
            }
            int startEnd = v.offsetByCodePoints(0, keepFirst);
            int tailStart = v.offsetByCodePoints(0, n - keepLast);
            out.append(v, 0, startEnd);
            out.append(mask.repeat(n - keepFirst - keepLast));
            out.append(v, tailStart, v.length());
            return out.toString();
        };
    }
}
