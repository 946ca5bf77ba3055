package dev.dolly.infra;

import java.nio.file.Files;
import java.nio.file.Path;

/** The jars other modules build, which the stack deploys as assets. */
final class Jars {
    static final String FUNCTIONS_BUILD = "mvn -pl functions/app -am package";
    static final String AGENT_BUILD = "mvn -pl host-agent/agent -am package";

    private Jars() {}

    /**
     * Returns {@code jar} as an absolute path, or fails naming the module that builds it.
     *
     * @param what       e.g. "the functions' AWS jar"
     * @param contextKey the context key that overrides the location
     * @param build      the command that builds it
     */
    static Path require(Path jar, String what, String contextKey, String build) {
        Path abs = jar.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs)) {
            throw new IllegalStateException(what + " is missing: " + abs + ". Build it first from the repository root: "
                    + build + " -DskipTests (or run infra/synth.sh --build), or point the context key '"
                    + contextKey + "' at it.");
        }
        return abs;
    }
}
