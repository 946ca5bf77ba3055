package dev.dolly.slack;

import java.util.Map;

/** What to answer Slack: status, headers (one value each) and body. */
public record SlackHttpResponse(int status, Map<String, String> headers, String body) {
    public SlackHttpResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? "" : body;
    }
}
