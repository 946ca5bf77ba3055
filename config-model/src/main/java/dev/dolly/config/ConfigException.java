package dev.dolly.config;

/** A value of dolly.yaml that cannot be read: the message starts with its YAML path ({@code templates.shop.clone.ttl}). */
public final class ConfigException extends IllegalArgumentException {
    private final String path;

    public ConfigException(String path, String problem) {
        super(path.isEmpty() ? problem : path + ": " + problem);
        this.path = path;
    }

    /** Where in the file, e.g. {@code templates.shop.clone.ttl} or {@code grants[0].maxTtl}; empty for the whole file. */
    public String path() {
        return path;
    }
}
