package dev.dolly.cli;

/**
 * A refusal as the user reads it: the message of a JSON refusal ({"error","message",…}) with a table, the JSON
 * itself with --output json, any other body as it is; one line end after it.
 */
final class Refusal {
    private Refusal() {
    }

    static String text(String body, Output output) {
        if (output != Output.JSON && body.startsWith("{")) {
            var message = Json.field(body, "message");
            if (message.isPresent()) {
                return message.get() + "\n";
            }
        }
        return (body.endsWith("\n") ? body.substring(0, body.length() - 1) : body) + "\n";
    }
}
