package dev.dolly.functions.config;

import java.util.Map;
import java.util.function.Function;

/** Where secrets come from: environment variables (by name), with an override map for tests. */
public final class Secrets {
    private final Function<String, String> lookup;

    public Secrets(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    public static Secrets fromEnvironment() {
        return new Secrets(name -> {
            String v = System.getenv(name);
            return v != null ? v : System.getProperty(name);
        });
    }

    public static Secrets of(Map<String, String> values) {
        return new Secrets(values::get);
    }

    /** The value of {@code envName}, else {@code literal}, else null. */
    public String resolve(String envName, String literal) {
        if (envName != null && !envName.isBlank()) {
            String v = lookup.apply(envName);
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return literal == null || literal.isEmpty() ? null : literal;
    }

    @Override
    public String toString() {
        return "Secrets[***]";
    }
}
