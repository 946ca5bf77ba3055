package dev.dolly.slack.grammar;

import dev.dolly.control.api.Command;

/** What a command line means: a command to run, a request for help, or a mistake with the closest valid usage. */
public sealed interface ParseResult {

    /** A valid command; {@code share} when the user asked for the answer to be posted in the channel. */
    record Parsed(Verb verb, Command command, boolean share) implements ParseResult {}

    /** {@code /dolly help} ({@code topic} null) or {@code /dolly help <command>}. */
    record Help(Verb topic) implements ParseResult {}

    /**
     * Not a valid command: {@code problem} says what was wrong; {@code closest} is the verb whose usage is the
     * closest valid form (null when nothing is close), {@code hint} an optional extra suggestion.
     */
    record Invalid(String problem, Verb closest, String hint) implements ParseResult {}
}
