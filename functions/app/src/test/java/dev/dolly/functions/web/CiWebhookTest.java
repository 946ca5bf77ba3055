package dev.dolly.functions.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.agent.api.signing.Hmac;
import dev.dolly.functions.Harness;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CI contract's signature, validation and status cases (no agent involved: status reads DynamoDB only). */
class CiWebhookTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Harness h;
    private long now;

    @BeforeEach
    void setUp() {
        h = new Harness(Harness.yaml(""));
        now = h.clock.instant().getEpochSecond();
        h.seedClone("ci-one", "ci:ci-dev", "shop", "h1", Duration.ofHours(2));
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static JsonNode body(HttpAnswer a) throws Exception {
        return JSON.readTree(a.body());
    }

    private static final String STATUS = "{\"action\":\"status\",\"clone\":\"ci-one\"}";

    @Test
    void validSignatureGetsTheClone() throws Exception {
        HttpAnswer a = h.webhook.handle(Signed.call("ci-dev", "dev-secret", now, STATUS, null));
        assertThat(a.status()).isEqualTo(200);
        JsonNode b = body(a);
        assertThat(b.get("clone").asText()).isEqualTo("ci-one");
        assertThat(b.get("state").asText()).isEqualTo("READY");
        assertThat(b.get("template").asText()).isEqualTo("shop");
        assertThat(b.get("port").asInt()).isEqualTo(6001);
        assertThat(b.get("connectionString").asText()).isEqualTo("postgresql://dolly@localhost:6001/shop");
        assertThat(b.has("password")).isFalse();
        assertThat(b.get("expiresAt").asText()).isNotBlank();
        assertThat(a.headers().get("Server-Timing")).contains("total;dur=").contains("agent;dur=");
    }

    @Test
    void wrongSecretIs401() throws Exception {
        HttpAnswer a = h.webhook.handle(Signed.call("ci-dev", "not-the-secret", now, STATUS, null));
        assertThat(a.status()).isEqualTo(401);
        assertThat(body(a).get("message").asText()).isEqualTo("Bad signature or unknown key.");
    }

    @Test
    void unknownKeyIs401LikeAWrongSignature() throws Exception {
        HttpAnswer a = h.webhook.handle(Signed.call("ci-nobody", "dev-secret", now, STATUS, null));
        assertThat(a.status()).isEqualTo(401);
        assertThat(body(a).get("message").asText()).isEqualTo("Bad signature or unknown key.");
    }

    @Test
    void tamperedBodyIs401() {
        HttpCall good = Signed.call("ci-dev", "dev-secret", now, STATUS, null);
        HttpCall tampered = new HttpCall(good.method(), good.path(), good.headers(),
                "{\"action\":\"destroy\",\"clone\":\"ci-one\"}".getBytes());
        assertThat(h.webhook.handle(tampered).status()).isEqualTo(401);
        assertThat(h.store.clone("ci-one")).isNotNull();
    }

    @Test
    void expiredAndFutureTimestampsAre401() throws Exception {
        HttpAnswer old = h.webhook.handle(Signed.call("ci-dev", "dev-secret", now - 301, STATUS, null));
        assertThat(old.status()).isEqualTo(401);
        assertThat(body(old).get("message").asText()).contains("more than 5 minutes off");
        HttpAnswer future = h.webhook.handle(Signed.call("ci-dev", "dev-secret", now + 301, STATUS, null));
        assertThat(future.status()).isEqualTo(401);
        // just inside the window, either way
        assertThat(h.webhook.handle(Signed.call("ci-dev", "dev-secret", now - 299, STATUS, null)).status()).isEqualTo(200);
        assertThat(h.webhook.handle(Signed.call("ci-dev", "dev-secret", now + 299, STATUS, null)).status()).isEqualTo(200);
    }

    @Test
    void hugeOrMalformedTimestampsAre401WithAClearMessage() throws Exception {
        for (String ts : new String[] {"9223372036854775807", "-9223372036854775808", "31556889864403200", "99999999999999999999",
                "1e9", "", "12abc", "-1", "0x10"}) {
            java.util.Map<String, String> headers = new java.util.LinkedHashMap<>(Signed.call("ci-dev", "dev-secret", now, STATUS, null).headers());
            headers.put("X-Dolly-Timestamp", ts);
            headers.put("X-Dolly-Signature", "sha256=" + Hmac.hex("dev-secret", ts + "." + STATUS));
            HttpAnswer a = h.webhook.handle(new HttpCall("POST", "/webhooks/ci", headers, STATUS.getBytes()));
            assertThat(a.status()).as(ts).isEqualTo(401);
            assertThat(body(a).get("message").asText()).as(ts).contains("X-Dolly-Timestamp");
        }
    }

    @Test
    void anUnknownKeyIdComputesAnHmacLikeAWrongSignature() {
        long before = h.webhook.signaturesComputed();
        assertThat(h.webhook.handle(Signed.call("ci-dev", "not-the-secret", now, STATUS, null)).status()).isEqualTo(401);
        assertThat(h.webhook.signaturesComputed()).as("a wrong signature is checked against the key's secret").isEqualTo(before + 1);
        assertThat(h.webhook.handle(Signed.call("ci-nobody", "dev-secret", now, STATUS, null)).status()).isEqualTo(401);
        assertThat(h.webhook.signaturesComputed()).as("an unknown key costs the same HMAC (against a dummy secret)").isEqualTo(before + 2);
    }

    @Test
    void missingHeadersAndMalformedSignatureAre401() {
        HttpCall noSig = new HttpCall("POST", "/webhooks/ci", java.util.Map.of("X-Dolly-Key", "ci-dev", "X-Dolly-Timestamp", "" + now),
                STATUS.getBytes());
        assertThat(h.webhook.handle(noSig).status()).isEqualTo(401);
        String hex = Hmac.hex("dev-secret", now + "." + STATUS);
        assertThat(h.webhook.handle(Signed.withSignature("ci-dev", hex, now, STATUS, null)).status()).isEqualTo(401); // no sha256=
        assertThat(h.webhook.handle(Signed.withSignature("ci-dev", "sha256=" + hex, now, STATUS, null)).status()).isEqualTo(200);
    }

    @Test
    void replayWithinTheWindowGetsTheFirstAnswerAndNeverActsTwice() throws Exception {
        String destroy = "{\"action\":\"destroy\",\"clone\":\"ci-gone\"}";
        HttpCall first = Signed.call("ci-dev", "dev-secret", now, destroy, null);
        HttpAnswer a1 = h.webhook.handle(first);
        assertThat(a1.status()).isEqualTo(404);
        // the clone appears meanwhile: a replay of the same signed request must not destroy it
        h.seedClone("ci-gone", "ci:ci-dev", "shop", "h1", Duration.ofHours(2));
        HttpAnswer a2 = h.webhook.handle(first);
        assertThat(a2.status()).isEqualTo(404);
        assertThat(a2.body()).isEqualTo(a1.body());
        assertThat(a2.headers()).containsEntry("Idempotent-Replayed", "true");
        assertThat(h.store.clone("ci-gone")).isNotNull();
        // outside the window the same request is simply expired
        h.clock.advance(Duration.ofMinutes(6));
        assertThat(h.webhook.handle(first).status()).isEqualTo(401);
        assertThat(h.store.clone("ci-gone")).isNotNull();
    }

    @Test
    void badBodiesNameTheField() throws Exception {
        record Case(String body, String field, int status) {}
        for (Case c : new Case[] {
                new Case("not json", "body", 400),
                new Case("{\"action\":\"explode\"}", "action", 400),
                new Case("{\"action\":\"status\"}", "clone", 400),
                new Case("{\"action\":\"create\",\"clone\":\"x\"}", "template", 400),
                new Case("{\"action\":\"create\",\"template\":\"shop\",\"clone\":\"x\",\"ttl\":\"soon\"}", "ttl", 400),
                new Case("{\"action\":\"create\",\"template\":\"shop\",\"clone\":\"x\",\"wait\":\"yes\"}", "wait", 400),
                new Case("{\"action\":\"create\",\"template\":\"shop\",\"clone\":\"Bad Name\"}", "clone", 400),
        }) {
            HttpAnswer a = h.webhook.handle(Signed.call("ci-dev", "dev-secret", now, c.body(), "k-" + c.hashCode()));
            assertThat(a.status()).as(c.body()).isEqualTo(c.status());
            assertThat(body(a).path("field").asText()).as(c.body()).isEqualTo(c.field());
        }
        HttpAnswer noKey = h.webhook.handle(Signed.call("ci-dev", "dev-secret", now,
                "{\"action\":\"create\",\"template\":\"shop\",\"clone\":\"x\"}", null));
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(body(noKey).get("field").asText()).isEqualTo("Idempotency-Key");
    }

    @Test
    void refusalsAndConflictsMapToTheContractsStatuses() throws Exception {
        // 403 naming the grant: a viewer may not create
        HttpAnswer viewer = h.webhook.handle(Signed.call("ci-view", "view-secret", now,
                "{\"action\":\"create\",\"template\":\"shop\",\"clone\":\"v1\"}", "v1"));
        assertThat(viewer.status()).isEqualTo(403);
        assertThat(body(viewer).get("message").asText()).contains("role developer on template 'shop'");
        // 403: another developer's clone
        HttpAnswer other = h.webhook.handle(Signed.call("ci-dev2", "dev2-secret", now, "{\"action\":\"destroy\",\"clone\":\"ci-one\"}", null));
        assertThat(other.status()).isEqualTo(403);
        // 409: the name is taken by someone else
        HttpAnswer taken = h.webhook.handle(Signed.call("ci-dev2", "dev2-secret", now,
                "{\"action\":\"create\",\"template\":\"shop\",\"clone\":\"ci-one\"}", "t1"));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(body(taken).get("message").asText()).contains("taken by someone else");
        // 404: unknown clone / template
        assertThat(h.webhook.handle(Signed.call("ci-dev", "dev-secret", now, "{\"action\":\"status\",\"clone\":\"nope\"}", null)).status())
                .isEqualTo(404);
        HttpAnswer tpl = h.webhook.handle(Signed.call("ci-admin", "admin-secret", now,
                "{\"action\":\"create\",\"template\":\"nope\",\"clone\":\"n1\"}", "n1"));
        assertThat(tpl.status()).isEqualTo(403); // no grant covers an unknown template: deny first
        // 429: ttl over the grant's maximum
        HttpAnswer ttl = h.webhook.handle(Signed.call("ci-dev", "dev-secret", now,
                "{\"action\":\"create\",\"template\":\"shop\",\"clone\":\"long\",\"ttl\":\"48h\"}", "l1"));
        assertThat(ttl.status()).isEqualTo(429);
        assertThat(body(ttl).get("message").asText()).contains("at most 1d");
        // 429: over the clone quota (3 for ci-dev; it holds one, seed two more)
        h.seedClone("ci-two", "ci:ci-dev", "shop", "h1", Duration.ofHours(2));
        h.seedClone("ci-three", "ci:ci-dev", "shop", "h1", Duration.ofHours(2));
        HttpAnswer quota = h.webhook.handle(Signed.call("ci-dev", "dev-secret", now,
                "{\"action\":\"create\",\"template\":\"shop\",\"clone\":\"four\"}", "q1"));
        assertThat(quota.status()).isEqualTo(429);
        assertThat(body(quota).get("message").asText()).contains("holds 3 clone(s) and may hold at most 3");
        assertThat(quota.headers()).containsEntry("Retry-After", "30");
        // 503: nowhere to put a clone (no host is configured here)
        HttpAnswer none = h.webhook.handle(Signed.call("ci-admin", "admin-secret", now,
                "{\"action\":\"create\",\"template\":\"shop\",\"clone\":\"a1\"}", "a1"));
        assertThat(none.status()).isEqualTo(503);
        assertThat(none.headers()).containsEntry("Retry-After", "5");
    }

    @Test
    void busyAnswersTellClientsWhenToRetry() {
        // 503 (nowhere to put a clone) and 429 (over quota) carry Retry-After; other answers do not
        HttpAnswer none = h.webhook.handle(Signed.call("ci-admin", "admin-secret", now,
                "{\"action\":\"create\",\"template\":\"shop\",\"clone\":\"b1\"}", "b1"));
        assertThat(none.status()).isEqualTo(503);
        assertThat(none.headers()).containsEntry("Retry-After", "5");
        HttpAnswer ok = h.webhook.handle(Signed.call("ci-dev", "dev-secret", now, STATUS, null));
        assertThat(ok.headers()).doesNotContainKey("Retry-After");
    }
}
