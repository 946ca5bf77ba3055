package dev.dolly.slack.grammar;

import dev.dolly.control.api.Command;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small declarative command grammar: verbs with positional arguments and typed flags, plus global switches
 * that any verb accepts. {@link #parse} turns a command line into a {@link ParseResult}; {@link #help} renders
 * the help text from the same declarations, so the two cannot drift apart.
 */
public final class Grammar {
    private final String command;
    private final Map<String, Verb> verbs = new LinkedHashMap<>();
    private final Verb helpVerb;
    private final List<Flag> globalFlags;

    /**
     * @param command     the slash command as users type it ({@code /dolly})
     * @param verbs       every verb, in the order help lists them
     * @param helpVerb    the name of the verb that asks for help
     * @param globalFlags switches accepted after any verb other than help ({@code --share})
     */
    public Grammar(String command, List<Verb> verbs, String helpVerb, List<Flag> globalFlags) {
        this.command = command;
        for (Verb v : verbs) this.verbs.put(v.name(), v);
        this.helpVerb = this.verbs.get(helpVerb);
        if (this.helpVerb == null) throw new IllegalArgumentException("no verb " + helpVerb);
        this.globalFlags = List.copyOf(globalFlags);
    }

    public String command() { return command; }

    public List<Verb> verbs() { return List.copyOf(verbs.values()); }

    public Optional<Verb> verb(String name) { return Optional.ofNullable(verbs.get(name)); }

    /** The full usage line of {@code verb}, slash command included. */
    public String usage(Verb verb) { return command + " " + verb.usage(); }

    /** Parses a command line typed by {@code userName} ({@code userId}); never throws for bad input. */
    public ParseResult parse(String text, String userName, String userId) {
        List<String> words = Tokenizer.split(text);
        if (words.isEmpty()) return new ParseResult.Help(null);

        String name = words.get(0).toLowerCase();
        if (name.equals("--help") || name.equals("-h")) name = helpVerb.name();
        Verb verb = verbs.get(name);
        if (verb == null) {
            Optional<String> closest = EditDistance.closest(name, verbs.keySet());
            return closest
                    .map(c -> (ParseResult) new ParseResult.Invalid("There is no command `" + words.get(0) + "`.", verbs.get(c),
                            "Did you mean `" + c + "`?"))
                    .orElseGet(() -> new ParseResult.Invalid("There is no command `" + words.get(0) + "`.", null,
                            "Commands: " + String.join(", ", verbs.keySet()) + "."));
        }

        Map<String, Object> values = new HashMap<>();
        List<Param> positionals = verb.positionals();
        int position = 0;
        boolean share = false;
        for (int i = 1; i < words.size(); i++) {
            String word = words.get(i);
            if (word.startsWith("--") && word.length() > 2) {
                String flagName = word.substring(2);
                String inline = null;
                int eq = flagName.indexOf('=');
                if (eq >= 0) {
                    inline = flagName.substring(eq + 1);
                    flagName = flagName.substring(0, eq);
                }
                String lowered = flagName.toLowerCase();
                flagName = lowered;
                Optional<Flag> global = verb == helpVerb ? Optional.empty()
                        : globalFlags.stream().filter(f -> f.name().equals(lowered)).findFirst();
                if (global.isPresent()) {
                    share = true;
                    continue;
                }
                Optional<Flag> flag = verb.flag(flagName);
                if (flag.isEmpty()) {
                    List<String> known = new ArrayList<>();
                    verb.flags().forEach(f -> known.add(f.name()));
                    String hint = EditDistance.closest(flagName, known).map(k -> "Did you mean `--" + k + "`?")
                            .orElse(verb.flags().isEmpty() ? "`" + verb.name() + "` takes no options." : null);
                    return new ParseResult.Invalid("`" + verb.name() + "` has no option `--" + flagName + "`.", verb, hint);
                }
                Flag f = flag.get();
                if (values.containsKey(f.name())) {
                    return new ParseResult.Invalid("`--" + f.name() + "` is given twice.", verb, null);
                }
                if (f.isSwitch()) {
                    if (inline != null) {
                        return new ParseResult.Invalid("`--" + f.name() + "` is a switch and takes no value.", verb, null);
                    }
                    values.put(f.name(), Boolean.TRUE);
                    continue;
                }
                String raw = inline;
                if (raw == null) {
                    if (i + 1 >= words.size() || words.get(i + 1).startsWith("--")) {
                        return new ParseResult.Invalid("`--" + f.name() + "` needs a value: " + f.type().description() + ".", verb,
                                "For example `--" + f.name() + " " + f.placeholder() + "`.");
                    }
                    raw = words.get(++i);
                }
                try {
                    values.put(f.name(), f.type().convert(raw));
                } catch (IllegalArgumentException e) {
                    return new ParseResult.Invalid("Bad value for `--" + f.name() + "`: " + e.getMessage() + ".", verb, null);
                }
            } else {
                if (position >= positionals.size()) {
                    String takes = positionals.isEmpty() ? "no arguments"
                            : "only " + String.join(" ", positionals.stream().map(Param::usage).toList());
                    return new ParseResult.Invalid("Unexpected `" + word + "`: `" + verb.name() + "` takes " + takes + ".", verb, null);
                }
                Param p = positionals.get(position++);
                try {
                    values.put(p.name(), p.type().convert(p.type() == ValueType.WORD ? word.toLowerCase() : word));
                } catch (IllegalArgumentException e) {
                    return new ParseResult.Invalid("Bad " + p.usage() + ": " + e.getMessage() + ".", verb, null);
                }
            }
        }
        if (position < verb.required().size()) {
            Param missing = verb.required().get(position);
            return new ParseResult.Invalid("`" + verb.name() + "` needs " + missing.usage() + ": " + missing.help() + ".", verb, null);
        }

        if (verb == helpVerb) {
            String topic = (String) values.get(verb.positionals().get(0).name());
            if (topic == null) return new ParseResult.Help(null);
            Verb t = verbs.get(topic);
            if (t == null) {
                Optional<String> closest = EditDistance.closest(topic, verbs.keySet());
                return new ParseResult.Invalid("There is no command `" + topic + "`.", closest.map(verbs::get).orElse(helpVerb),
                        closest.map(c -> "Did you mean `help " + c + "`?").orElse("Commands: " + String.join(", ", verbs.keySet()) + "."));
            }
            return new ParseResult.Help(t);
        }
        Command c;
        try {
            c = verb.builder().build(new Arguments(values, userName, userId));
        } catch (IllegalArgumentException e) {
            return new ParseResult.Invalid(e.getMessage() + ".", verb, null);
        }
        return new ParseResult.Parsed(verb, c, share);
    }

    /** The overview: one usage line and summary per verb, then the global switches. Slack mrkdwn. */
    public String help() {
        StringBuilder b = new StringBuilder();
        for (Verb v : verbs.values()) {
            b.append('`').append(usage(v)).append("`\n    ").append(v.summary()).append('\n');
        }
        for (Flag f : globalFlags) {
            b.append("\nAdd `").append(f.usage()).append("` to any command: ").append(f.help()).append('\n');
        }
        b.append("\nDurations: `30m`, `4h`, `2d`, `1d12h`. Details: `").append(command).append(' ').append(helpVerb.name())
                .append(" <command>`.");
        return b.toString();
    }

    /** Details of one verb: usage, summary, every argument and option, examples. Slack mrkdwn. */
    public String help(Verb v) {
        StringBuilder b = new StringBuilder();
        b.append('`').append(usage(v)).append("`\n").append(v.summary()).append('\n');
        for (Param p : v.positionals()) {
            b.append("\n• `").append(p.usage()).append("` ").append(p.help());
            if (v.optional().contains(p)) b.append(" (optional)");
        }
        for (Flag f : v.flags()) {
            b.append("\n• `").append(f.usage()).append("` ").append(f.help());
        }
        if (v != helpVerb) {
            for (Flag f : globalFlags) b.append("\n• `").append(f.usage()).append("` ").append(f.help());
        }
        if (!v.examples().isEmpty()) {
            b.append("\n\nExamples:");
            for (String e : v.examples()) b.append("\n`").append(command).append(' ').append(e).append('`');
        }
        return b.toString();
    }
}
