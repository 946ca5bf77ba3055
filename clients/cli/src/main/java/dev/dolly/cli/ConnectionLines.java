package dev.dolly.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The NAME=value lines of a clone's connection (?format=env), keeping only the names a caller asks for. */
final class ConnectionLines {
    /** What `dolly env` exports. */
    static final Pattern ENV_NAMES = Pattern.compile("DOLLY_CLONE|PG[A-Z]+");
    /** What psql gets in its environment. */
    static final Pattern PG_NAMES = Pattern.compile("PG[A-Z]+");

    private ConnectionLines() {
    }

    static Map<String, String> parse(String answer, Pattern names) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : answer.split("\n")) {
            int eq = line.indexOf('=');
            String name = eq < 0 ? line : line.substring(0, eq);
            if (eq > 0 && names.matcher(name).matches()) {
                out.put(name, line.substring(eq + 1));
            }
        }
        return out;
    }
}
