package dev.dolly.cli;

/** --output: a table (the user API's text) or the user API's JSON. */
enum Output {
    TABLE("text/plain"),
    JSON("application/json");

    private final String accept;

    Output(String accept) {
        this.accept = accept;
    }

    String accept() {
        return accept;
    }

    static Output parse(String value) {
        return switch (value) {
            case "table" -> TABLE;
            case "json" -> JSON;
            default -> throw CliExit.usage("--output must be table or json");
        };
    }
}
