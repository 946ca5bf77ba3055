package dev.dolly.slack.grammar;

/**
 * An option: {@code --ttl 4h}. A flag with a null {@code type} is a switch ({@code --all}) and takes no value;
 * {@code placeholder} is how the value is shown in usage lines ({@code <clone>}, {@code 4h}).
 */
public record Flag(String name, ValueType type, String placeholder, String help) {
    public static Flag option(String name, ValueType type, String placeholder, String help) {
        return new Flag(name, type, placeholder, help);
    }

    public static Flag toggle(String name, String help) {
        return new Flag(name, null, null, help);
    }

    public boolean isSwitch() { return type == null; }

    public String usage() { return isSwitch() ? "--" + name : "--" + name + " " + placeholder; }
}
