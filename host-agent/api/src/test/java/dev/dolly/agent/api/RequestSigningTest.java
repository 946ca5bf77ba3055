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
}
