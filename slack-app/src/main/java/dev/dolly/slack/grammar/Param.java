package dev.dolly.slack.grammar;

/** A positional argument: {@code <template>}. */
public record Param(String name, ValueType type, String help) {
    public String usage() { return "<" + name + ">"; }
}
