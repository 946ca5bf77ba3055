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

    public HttpAnswer withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new HttpAnswer(status, h, body);
    }
}
