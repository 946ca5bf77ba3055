package dev.dolly.agent.check;

import java.util.Set;

/**
 * One statement of a migration file: its 1-based {@code line} in the file, its text as written (without the
 * terminating semicolon, leading comments stripped) and the rules a {@code -- dolly:ignore rule[, rule]} comment
 * on it suppresses.
 */
public record SqlStatement(String file, int index, int line, String sql, Set<String> ignored) {

    /** The text with comments removed, whitespace collapsed and string literals kept: what rules match against. */
    public String shape() {
        return StatementSplitter.shape(sql);
    }
}
