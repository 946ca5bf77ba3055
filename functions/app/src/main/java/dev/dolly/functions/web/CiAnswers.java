package dev.dolly.functions.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dolly.functions.service.Idempotency;
import dev.dolly.functions.service.Idempotency.AnswerType;
import dev.dolly.functions.service.Idempotency.Kept;

/**
 * How the CI webhook keeps its HTTP answers. For a retried delivery (same Idempotency-Key, fresh signature):
 * the answer in full, sealed with the CI key's secret when it holds a password, never one that says "try
 * again" (409, 429, 5xx). For a replay of the same signed request: every answer, but never a password.
 */
final class CiAnswers implements Idempotency.Codec<HttpAnswer> {
    static final String REPLAYED = "Idempotent-Replayed";
    private static final ObjectMapper JSON = dev.dolly.agent.api.AgentJson.mapper();

    private final String secret; // null: a replay guard, which keeps no secret at all

    private CiAnswers(String secret) {
        this.secret = secret;
    }

    /** For retries with the same Idempotency-Key of the CI key holding {@code secret}. */
    static CiAnswers retries(String secret) {
        return new CiAnswers(secret);
    }

    /** For replays of the same signature: the first answer without its password. */
    static CiAnswers replays() {
        return new CiAnswers(null);
    }

    @Override
    public Kept keep(HttpAnswer a, String sealContext) {
        if (secret == null) return new Kept(AnswerType.HTTP, a.status(), withoutPassword(a.body()), false);
        if (a.status() == 409 || a.status() == 429 || a.status() >= 500) return null;
        boolean sealed = a.body().contains("\"password\"");
        return new Kept(AnswerType.HTTP, a.status(), sealed ? Sealer.seal(secret, sealContext, a.body()) : a.body(), sealed);
    }

    @Override
    public HttpAnswer replay(Kept kept, String sealContext) {
        if (kept.type() != AnswerType.HTTP) throw new IllegalStateException("a CI record holds a " + kept.type() + " answer");
        if (kept.sealed() && secret == null) throw new IllegalStateException("a replay guard holds a sealed answer");
        String body = kept.sealed() ? Sealer.open(secret, sealContext, kept.text()) : kept.text();
        int status = kept.status();
        return HttpAnswer.json(status, body).withHeader(REPLAYED, "true");
    }

    /** {@code body} without a {@code password} field (a create's answer then says how to get one). */
    private static String withoutPassword(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (!(n instanceof ObjectNode o) || !o.has("password")) return body;
            o.remove("password");
            o.put("message", "Replayed request: already done. The password is returned only to a retry with the same "
                    + "Idempotency-Key and a fresh signature.");
            return o.toString();
        } catch (Exception e) {
            return body.contains("\"password\"") ? "{\"message\":\"Replayed request: already done.\"}" : body;
        }
    }
}
