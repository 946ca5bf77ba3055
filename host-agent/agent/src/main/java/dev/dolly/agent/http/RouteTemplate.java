package dev.dolly.agent.http;

import dev.dolly.agent.api.AgentPaths;

/**
 * The route template of a request path ({@code /v1/clones/{clone}/reset}), the {@code uri} tag of the HTTP server
 * meters: ids never become tag values, and a path that matches no route is {@code UNKNOWN}, so the number of series
 * stays bounded whatever callers send.
 */
final class RouteTemplate {
    static final String UNKNOWN = "UNKNOWN";

    private RouteTemplate() {}

    static String of(String path) {
        if (path.equals(AgentPaths.METRICS) || path.equals(AgentPaths.HEALTH)) {
            return path;
        }
        if (!path.startsWith(AgentPaths.V1 + "/")) {
            return UNKNOWN;
        }
        String[] s = path.substring(AgentPaths.V1.length() + 1).split("/", -1);
        int n = s.length;
        return switch (s[0]) {
            case "templates" -> n == 1 ? AgentPaths.TEMPLATES
                    : n == 3 && s[2].equals("refresh") ? AgentPaths.TEMPLATES + "/{template}/refresh" : UNKNOWN;
            case "jobs" -> n == 2 ? AgentPaths.JOBS + "/{job}" : UNKNOWN;
            case "checks" -> n == 2 ? AgentPaths.CHECKS + "/{check}"
                    : n == 3 && s[2].equals("finish") ? AgentPaths.CHECKS + "/{check}/finish" : UNKNOWN;
            case "clones" -> clones(s);
            default -> UNKNOWN;
        };
    }

    private static String clones(String[] s) {
        String clone = AgentPaths.CLONES + "/{clone}";
        return switch (s.length) {
            case 1 -> AgentPaths.CLONES;
            case 2 -> clone;
            case 3 -> switch (s[2]) {
                case "reset", "password", "savepoints", "checks" -> clone + "/" + s[2];
                default -> UNKNOWN;
            };
            case 4 -> s[2].equals("savepoints") ? clone + "/savepoints/{savepoint}" : UNKNOWN;
            default -> UNKNOWN;
        };
    }
}
