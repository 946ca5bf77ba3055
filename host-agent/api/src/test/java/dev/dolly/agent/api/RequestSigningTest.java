package dev.dolly.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RequestSigningTest {
    private static final byte[] SECRET = "s3cret".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private final byte[] body = "{\"clone\":\"a\"}".getBytes(StandardCharsets.UTF_8);

    private RequestSigning.Verifier verifier() {
        return new RequestSigning.Verifier(SECRET, "h1", Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private String sign(long ts) {
        return RequestSigning.sign(SECRET, "POST", "h1", "/v1/clones", ts, body);
    }

    @Test
    void acceptsAFreshSignatureOnce() {
        var v = verifier();
        long ts = NOW.getEpochSecond();
        assertThat(v.verify("POST", "/v1/clones", "" + ts, sign(ts), body)).isNull();
        assertThat(v.verify("POST", "/v1/clones", "" + ts, sign(ts), body)).isEqualTo(RequestSigning.Rejection.REPLAYED);
    }

    @Test
    void rejectsWrongSecretTamperedBodyAndOtherPath() {
        var v = verifier();
        long ts = NOW.getEpochSecond();
        String other = RequestSigning.sign("other".getBytes(), "POST", "h1", "/v1/clones", ts, body);
        assertThat(v.verify("POST", "/v1/clones", "" + ts, other, body)).isEqualTo(RequestSigning.Rejection.BAD_SIGNATURE);
        assertThat(v.verify("POST", "/v1/clones", "" + ts, sign(ts), "{}".getBytes())).isEqualTo(RequestSigning.Rejection.BAD_SIGNATURE);
        assertThat(v.verify("DELETE", "/v1/clones", "" + ts, sign(ts), body)).isEqualTo(RequestSigning.Rejection.BAD_SIGNATURE);
    }

    @Test
    void rejectsExpiredAndFutureDated() {
        var v = verifier();
        long old = NOW.minusSeconds(301).getEpochSecond();
        long future = NOW.plusSeconds(301).getEpochSecond();
        assertThat(v.verify("POST", "/v1/clones", "" + old, sign(old), body)).isEqualTo(RequestSigning.Rejection.OUTSIDE_WINDOW);
        assertThat(v.verify("POST", "/v1/clones", "" + future, sign(future), body)).isEqualTo(RequestSigning.Rejection.OUTSIDE_WINDOW);
        long edge = NOW.minusSeconds(299).getEpochSecond();
        assertThat(v.verify("POST", "/v1/clones", "" + edge, sign(edge), body)).isNull();
    }

    @Test
    void rejectsMissingOrMalformedHeaders() {
        var v = verifier();
        assertThat(v.verify("POST", "/v1/clones", null, "x", body)).isEqualTo(RequestSigning.Rejection.MISSING);
        assertThat(v.verify("POST", "/v1/clones", "soon", "x", body)).isEqualTo(RequestSigning.Rejection.MALFORMED_TIMESTAMP);
    }

    @Test
    void aNonceLetsIdenticalRequestsInTheSameSecondThroughButStillBlocksReplays() {
        var v = verifier();
        long ts = NOW.getEpochSecond();
        String n1 = RequestSigning.newNonce();
        String n2 = RequestSigning.newNonce();
        assertThat(n1).isNotEqualTo(n2).matches("[0-9a-f]{32}");
        String s1 = RequestSigning.sign(SECRET, "GET", "h1", "/v1/jobs/j1", ts, n1, new byte[0]);
        String s2 = RequestSigning.sign(SECRET, "GET", "h1", "/v1/jobs/j1", ts, n2, new byte[0]);
        assertThat(v.verify("GET", "/v1/jobs/j1", "" + ts, n1, s1, new byte[0])).isNull();
        assertThat(v.verify("GET", "/v1/jobs/j1", "" + ts, n2, s2, new byte[0])).isNull();
        assertThat(v.verify("GET", "/v1/jobs/j1", "" + ts, n2, s2, new byte[0])).isEqualTo(RequestSigning.Rejection.REPLAYED);
        // the nonce is signed: another nonce with the same signature does not verify
        assertThat(v.verify("GET", "/v1/jobs/j1", "" + ts, "other", s1, new byte[0])).isEqualTo(RequestSigning.Rejection.BAD_SIGNATURE);
        assertThat(v.verify("GET", "/v1/jobs/j1", "" + ts, null, s1, new byte[0])).isEqualTo(RequestSigning.Rejection.BAD_SIGNATURE);
        assertThat(v.verify("GET", "/v1/jobs/j1", "" + ts, "bad nonce!", s1, new byte[0])).isEqualTo(RequestSigning.Rejection.BAD_SIGNATURE);
        // without a nonce the signed text is unchanged
        assertThat(RequestSigning.sign(SECRET, "POST", "h1", "/v1/clones", ts, null, body)).isEqualTo(sign(ts));
    }

    @Test
    void aRequestSignedForAnotherHostDoesNotVerifyWithTheSameSecret() {
        long ts = NOW.getEpochSecond();
        String forH2 = RequestSigning.sign(SECRET, "POST", "h2", "/v1/clones", ts, body);
        assertThat(verifier().verify("POST", "/v1/clones", "" + ts, forH2, body)).isEqualTo(RequestSigning.Rejection.BAD_SIGNATURE);
        var h2 = new RequestSigning.Verifier(SECRET, "h2", Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(h2.verify("POST", "/v1/clones", "" + ts, forH2, body)).isNull();
    }

    @Test
    void theReplayMemoryIsShared() {
        var memory = new RequestSigning.InMemory();
        var first = new RequestSigning.Verifier(SECRET, "h1", Clock.fixed(NOW, ZoneOffset.UTC), memory);
        var second = new RequestSigning.Verifier(SECRET, "h1", Clock.fixed(NOW, ZoneOffset.UTC), memory);
        long ts = NOW.getEpochSecond();
        assertThat(first.verify("POST", "/v1/clones", "" + ts, sign(ts), body)).isNull();
        assertThat(second.verify("POST", "/v1/clones", "" + ts, sign(ts), body)).isEqualTo(RequestSigning.Rejection.REPLAYED);
        // forgotten once out of the window
        var later = new RequestSigning.Verifier(SECRET, "h1", Clock.fixed(NOW.plusSeconds(302), ZoneOffset.UTC), memory);
        assertThat(later.verify("POST", "/v1/clones", "" + ts, sign(ts), body)).isEqualTo(RequestSigning.Rejection.OUTSIDE_WINDOW);
    }

    @Test
    void precheckRefusesMissingMalformedAndStaleHeadersWithoutABody() {
        var v = verifier();
        long ts = NOW.getEpochSecond();
        String sig = sign(ts);
        assertThat(v.precheck(null, null, sig)).isEqualTo(RequestSigning.Rejection.MISSING);
        assertThat(v.precheck("99999999999999999999", null, sig)).isEqualTo(RequestSigning.Rejection.MALFORMED_TIMESTAMP);
        assertThat(v.precheck("" + ts, null, "not-hex")).isEqualTo(RequestSigning.Rejection.BAD_SIGNATURE);
        assertThat(v.precheck("" + (ts - 400), null, sig)).isEqualTo(RequestSigning.Rejection.OUTSIDE_WINDOW);
        assertThat(v.precheck("" + ts, "n1", sig)).isNull();
    }
}
