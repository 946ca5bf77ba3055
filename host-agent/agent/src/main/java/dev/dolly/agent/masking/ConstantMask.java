package dev.dolly.agent.masking;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Rule {@code constant}: every value (and NULL, with {@code replaceNull: true}) becomes {@code value}.
 */
final class ConstantMask {

    private ConstantMask() {}

    static Transformer create(Rule rule) {
        JsonNode v = rule.params().get("value");
        String value = v == null || v.isNull() ? null : v.isTextual() ? v.asText() : v.toString();
        boolean replaceNull = Boolean.TRUE.equals(rule.bool("replaceNull"));
        return new Transformer() {
            @Override
            public String apply(String in) {
                return value;
            }

            @Override
            public String applyNull() {
                return replaceNull ? value : null;
            }
        };
    }
}
