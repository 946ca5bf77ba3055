package dev.dolly.slack.grammar;

import dev.dolly.control.api.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One command of the grammar: its name, positional arguments (required, then optional), flags, a one-line summary,
 * examples, and how parsed arguments become a {@link Command}. Usage lines and help text are generated from it.
 */
public record Verb(String name, String summary, List<Param> required, List<Param> optional, List<Flag> flags,
                   List<String> examples, Builder builder) {

    /** Turns checked, converted arguments into a command; null for {@code help}. */
    @FunctionalInterface
    public interface Builder {
        Command build(Arguments args);
    }

    public Verb {
        required = List.copyOf(required);
        optional = List.copyOf(optional);
        flags = List.copyOf(flags);
        examples = List.copyOf(examples);
    }

    public Optional<Flag> flag(String flagName) {
        return flags.stream().filter(f -> f.name().equals(flagName)).findFirst();
    }

    public List<Param> positionals() {
        List<Param> all = new ArrayList<>(required);
        all.addAll(optional);
        return all;
    }

    /** {@code create <template> [--name <clone>] [--ttl 4h] [--snapshot <id>]}, without the slash command. */
    public String usage() {
        StringBuilder b = new StringBuilder(name);
        for (Param p : required) b.append(' ').append(p.usage());
        for (Param p : optional) b.append(" [").append(p.usage()).append(']');
        for (Flag f : flags) b.append(" [").append(f.usage()).append(']');
        return b.toString();
    }

    public static Builder noCommand() { return args -> null; }
}
