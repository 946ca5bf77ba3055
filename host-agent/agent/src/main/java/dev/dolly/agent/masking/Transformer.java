package dev.dolly.agent.masking;

/**
 * Masks one column value. Works on the value's text form (what {@code COPY} prints for its type)
 * and returns the replacement text form, or {@code null} for SQL NULL. Implementations are
 * deterministic, immutable and thread-safe: one instance serves every row of every worker.
 */
@FunctionalInterface
public interface Transformer {

    /** Mask a non-NULL value. */
    String apply(String value);

    /** What a NULL becomes: {@code null} (stays NULL) unless the rule says otherwise. */
    default String applyNull() {
        return null;
    }
}
