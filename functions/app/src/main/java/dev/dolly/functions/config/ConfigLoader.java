package dev.dolly.functions.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads {@link DollyConfig} from a file path, a {@code classpath:} resource, or inline YAML text. */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ConfigLoader() {}

    public static DollyConfig fromYaml(String yaml) {
        try {
            DollyConfig c = YAML.readValue(yaml, DollyConfig.class);
            return c == null ? new DollyConfig(null, null, null, null, null) : c;
        } catch (IOException e) {
            throw new IllegalArgumentException("config is not valid YAML: " + e.getMessage(), e);
        }
    }

    /** {@code location}: a file path or {@code classpath:name}. */
    public static DollyConfig load(String location) {
        try {
            if (location.startsWith("classpath:")) {
                String name = location.substring("classpath:".length()).replaceFirst("^/", "");
                try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IllegalArgumentException("config resource not found: " + location);
                    }
                    return fromYaml(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            Path p = Path.of(location);
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("config file not found: " + p.toAbsolutePath()
                        + " (set DOLLY_CONFIG to the shared dolly.yaml)");
            }
            return fromYaml(Files.readString(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
