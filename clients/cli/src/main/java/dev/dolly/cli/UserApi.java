package dev.dolly.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Dolly's user API (/api/v1, Bearer token). An answer 2xx is returned as it came; any other is shown as a
 * refusal on stderr and ends the command: 401 exits 4 (log in again), other 4xx 3, 5xx and network failures 5.
 * The token is only in the Authorization header, never in a log or a message.
 */
final class UserApi {
    private final HttpClient http;
    private final Credentials credentials;
    private final Duration timeout;
    private final Output output;
    private final PrintStream err;

    UserApi(HttpClient http, Credentials credentials, Duration timeout, Output output, PrintStream err) {
        this.http = http;
        this.credentials = credentials;
        this.timeout = timeout;
        this.output = output;
        this.err = err;
    }

    /** POST /api/v1/commands {"args":[words]}: the server reads the words with the /dolly grammar. */
    byte[] command(java.util.List<String> words, Output accept) {
        return post("/api/v1/commands", Json.args(words), accept.accept());
    }

    /** The clone's connection with a freshly rotated password, as NAME=value lines. */
    String connection(String clone) {
        String answer = new String(post("/api/v1/clones/" + PathSegment.encode(clone) + "/password?format=env", "{}", "text/plain"),
                StandardCharsets.UTF_8);
        if (!answer.contains("PGPASSWORD=")) {
            throw new CliExit("no password in the answer", CliExit.UNAVAILABLE);
        }
        return answer;
    }

    byte[] post(String path, String body, String accept) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(credentials.url() + path))
                    .timeout(timeout)
                    .header("Authorization", "Bearer " + credentials.token())
                    .header("Accept", accept)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CliExit("cannot reach " + credentials.url() + " (not a valid URL)", CliExit.UNAVAILABLE);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new CliExit("cannot reach " + credentials.url() + " (" + describe(e) + ")", CliExit.UNAVAILABLE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliExit("interrupted", CliExit.UNAVAILABLE);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return response.body();
        }
        err.print(Refusal.text(new String(response.body(), StandardCharsets.UTF_8), output));
        err.flush();
        if (status == 401) {
            throw CliExit.silent(CliExit.UNAUTHORIZED);
        }
        if (status / 100 == 4) {
            throw CliExit.silent(CliExit.REFUSED);
        }
        throw new CliExit("Dolly answered HTTP " + status, CliExit.UNAVAILABLE);
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
