package dev.dolly.agent.masking;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Rule {@code regex}: {@code pattern} replaced by {@code replace} (Java regex syntax, checked when the rule is built).
 */
final class RegexMask {

    private RegexMask() {}

    static Transformer create(Rule rule) {
        String pattern = rule.text("pattern", null);
        if (pattern == null) {
            throw new MaskingConfigException(rule.where() + ": regex needs 'pattern:'");
        }
        Pattern re;
        try {
            re = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new MaskingConfigException(rule.where() + ".pattern: " + e.getDescription() + " in '" + pattern + "'");
        }
        String replace = rule.text("replace", "");
        try {
            re.matcher("").replaceAll(replace);
        } catch (RuntimeException e) {
            throw new MaskingConfigException(rule.where() + ".replace: " + e.getMessage());
        }
        return v -> re.matcher(v).replaceAll(replace);
    }
}
