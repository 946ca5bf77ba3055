package dev.dolly.slack;

import java.util.List;
import java.util.Map;

/**
 * A raw HTTP request as it reached Dolly (local HTTP server or an API Gateway event): {@code path} may carry a query
 * string; header names in any case; {@code body} exactly as sent (decode API Gateway's base64 first) — the signature
 * covers it byte for byte.
 */
public record SlackHttpRequest(String path, Map<String, List<String>> headers, String body) {
    public SlackHttpRequest {
        headers = headers == null ? Map.of() : headers;
        body = body == null ? "" : body;
    }
}
