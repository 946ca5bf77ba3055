package dev.dolly.functions.web;

import java.util.LinkedHashMap;
import java.util.Map;

/** What to answer over HTTP: status, headers, body (JSON unless said otherwise). */
public record HttpAnswer(int status, Map<String, String> headers, String body) {
    public HttpAnswer {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? "" : body;
    }

    public static HttpAnswer json(int status, String body) {
        return new HttpAnswer(status, Map.of("Content-Type", "application/json"), body);
    }

    /** Seconds a client should wait before retrying an answer of 503 (no healthy host, breaker open) or 429 (over quota). */
    public static final int RETRY_AFTER_UNAVAILABLE = 5;
    public static final int RETRY_AFTER_OVER_QUOTA = 30;

    /** This answer with {@code Retry-After} when it says "try again later" (503, 429) and has none yet. */
    public HttpAnswer withRetryAfter() {
        if (headers.keySet().stream().anyMatch("Retry-After"::equalsIgnoreCase)) return this;
        if (status == 503) return withHeader("Retry-After", Integer.toString(RETRY_AFTER_UNAVAILABLE));
        if (status == 429) return withHeader("Retry-After", Integer.toString(RETRY_AFTER_OVER_QUOTA));
        return this;
    }

    public HttpAnswer withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new HttpAnswer(status, h, body);
    }
}
