package dev.dolly.functions.web;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** An HTTP request as any entry point received it (local server or API Gateway): header names case-insensitive, body raw. */
public record HttpCall(String method, String path, Map<String, String> headers, byte[] body) {
    public HttpCall {
        TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) headers.forEach((k, v) -> { if (k != null && v != null) h.put(k.toLowerCase(Locale.ROOT), v); });
        headers = h;
        body = body == null ? new byte[0] : body;
    }

    public String header(String name) { return headers.get(name); }

    public String bodyText() { return new String(body, StandardCharsets.UTF_8); }
}
