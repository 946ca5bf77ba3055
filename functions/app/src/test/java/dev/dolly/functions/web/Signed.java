package dev.dolly.functions.web;

import dev.dolly.agent.api.signing.Hmac;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds CI webhook calls the way clients/dolly-ci signs them. */
public final class Signed {
    private Signed() {}

    public static HttpCall call(String key, String secret, long ts, String body, String idempotencyKey) {
        return withSignature(key, "sha256=" + Hmac.hex(secret, ts + "." + body), ts, body, idempotencyKey);
    }

    public static HttpCall withSignature(String key, String signature, long ts, String body, String idempotencyKey) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Dolly-Key", key);
        h.put("X-Dolly-Timestamp", Long.toString(ts));
        h.put("X-Dolly-Signature", signature);
        h.put("Content-Type", "application/json");
        if (idempotencyKey != null) h.put("Idempotency-Key", idempotencyKey);
        return new HttpCall("POST", "/webhooks/ci", h, body.getBytes(StandardCharsets.UTF_8));
    }
}
