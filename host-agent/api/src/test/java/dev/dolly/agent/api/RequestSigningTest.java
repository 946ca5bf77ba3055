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
        return new RequestSigning.Verifier(SECRET, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private String sign(long ts) {
        return RequestSigning.sign(SECRET, "POST", "/v1/clones", ts, body);
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
        String other = RequestSigning.sign("other".getBytes(), "POST", "/v1/clones", ts, body);
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
        String s1 = RequestSigning.sign(SECRET, "GET", "/v1/jobs/j1", ts, n1, new byte[0]);
        String s2 = RequestSigning.sign(SECRET, "GET", "/v1/jobs/j1", ts, n2, new byte[0]);
        assertThat(v.verify("GET", "/v1/jobs/j1", "" + ts, n1, s1, new byte[0])).isNull();
        assertThat(v.verify("GET", "/v1/jobs/j1", "" + ts, n2, s2, new byte[0])).isNull();
        assertThat(v.verify("GET", "/v1/jobs/j1", "" + ts, n2, s2, new byte[0])).isEqualTo(RequestSigning.Rejection.REPLAYED);
        // the nonce is signed: another nonce with the same signature does not verify
        assertThat(v.verify("GET", "/v1/jobs/j1", "" + ts, "other", s1, new byte[0])).isEqualTo(RequestSigning.Rejection.BAD_SIGNATURE);
        assertThat(v.verify("GET", "/v1/jobs/j1", "" + ts, null, s1, new byte[0])).isEqualTo(RequestSigning.Rejection.BAD_SIGNATURE);
        assertThat(v.verify("GET", "/v1/jobs/j1", "" + ts, "bad nonce!", s1, new byte[0])).isEqualTo(RequestSigning.Rejection.BAD_SIGNATURE);
        // without a nonce the signed text is unchanged
        assertThat(RequestSigning.sign(SECRET, "POST", "/v1/clones", ts, null, body)).isEqualTo(sign(ts));
    }
}
