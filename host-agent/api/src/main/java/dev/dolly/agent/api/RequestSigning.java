package dev.dolly.agent.api;

import dev.dolly.agent.api.signing.SigningScheme;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HMAC-SHA256 request signing for the agent API ({@link SigningScheme#AGENT}). The signed text is
 * {@code METHOD \n PATH \n TIMESTAMP \n BODY}; the timestamp is unix seconds. A request is
 * accepted within {@link #WINDOW} of the verifier's clock, either way, and each signature
 * is accepted once (a replay within the window is rejected).
 *
 * <p>Two identical requests in the same second have the same signature, so the second one is
 * indistinguishable from a replay. A caller that may repeat a request within a second (polling a
 * job, retrying) sends a fresh random {@link #NONCE_HEADER} with each request; the signed text is
 * then {@code METHOD \n PATH \n TIMESTAMP \n NONCE \n BODY}. The nonce is optional.
 */
public final class RequestSigning {
    public static final SigningScheme SCHEME = SigningScheme.AGENT;
    public static final String TIMESTAMP_HEADER = SCHEME.timestampHeader();
    public static final String SIGNATURE_HEADER = SCHEME.signatureHeader();
    /** Optional: a fresh random token per request (1–64 of [A-Za-z0-9_-]), signed with it. */
    public static final String NONCE_HEADER = SCHEME.nonceHeader();
    public static final Duration WINDOW = SCHEME.window();

    private RequestSigning() {}

    /** The hex signature of one request. */
    public static String sign(byte[] secret, String method, String path, long timestamp, byte[] body) {
        return sign(secret, method, path, timestamp, null, body);
    }

    /** The hex signature of one request carrying a nonce ({@code null}: none, as {@link #sign(byte[], String, String, long, byte[])}). */
    public static String sign(byte[] secret, String method, String path, long timestamp, String nonce, byte[] body) {
        return SCHEME.sign(secret, method, path, timestamp, nonce, body);
    }

    /** Adds the timestamp (from {@code clock}), a fresh nonce and the signature of this request to {@code request}. */
    public static HttpRequest.Builder signed(HttpRequest.Builder request, byte[] secret, Clock clock, String method, String path, byte[] body) {
        long ts = clock.instant().getEpochSecond();
        // a fresh nonce per request: polls and retries of the same request within a second are not replays
        String nonce = newNonce();
        return request.header(TIMESTAMP_HEADER, Long.toString(ts))
                .header(NONCE_HEADER, nonce)
                .header(SIGNATURE_HEADER, sign(secret, method, path, ts, nonce, body));
    }

    /** A fresh random nonce for {@link #NONCE_HEADER}. */
    public static String newNonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private static final java.util.regex.Pattern NONCE = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Why a request was refused; {@code null} from {@link Verifier#verify} means accepted. */
    public enum Rejection { MISSING, MALFORMED_TIMESTAMP, OUTSIDE_WINDOW, BAD_SIGNATURE, REPLAYED }

    /** Checks signatures against one secret, with an injected clock and a replay memory. */
    public static final class Verifier {
        private final byte[] secret;
        private final Clock clock;
        private final Map<String, Instant> seen = new LinkedHashMap<>();

        public Verifier(byte[] secret, Clock clock) {
            this.secret = secret.clone();
            this.clock = clock;
        }

        /** Returns null when the request is authentic, fresh and not seen before; otherwise why not. */
        public Rejection verify(String method, String path, String timestampHeader, String signatureHeader, byte[] body) {
            return verify(method, path, timestampHeader, null, signatureHeader, body);
        }

        /** As {@link #verify(String, String, String, String, byte[])}, for a request that may carry a {@link #NONCE_HEADER}. */
        public synchronized Rejection verify(String method, String path, String timestampHeader, String nonceHeader,
                                             String signatureHeader, byte[] body) {
            if (timestampHeader == null || signatureHeader == null) {
                return Rejection.MISSING;
            }
            if (nonceHeader != null && !NONCE.matcher(nonceHeader).matches()) {
                return Rejection.BAD_SIGNATURE;
            }
            long timestamp;
            try {
                timestamp = Long.parseLong(timestampHeader.trim());
            } catch (NumberFormatException e) {
                return Rejection.MALFORMED_TIMESTAMP;
            }
            Instant now = clock.instant();
            if (!SCHEME.fresh(timestamp, now)) {
                return Rejection.OUTSIDE_WINDOW;
            }
            String expected = sign(secret, method, path, timestamp, nonceHeader, body);
            if (!SigningScheme.same(expected, signatureHeader.trim().toLowerCase())) {
                return Rejection.BAD_SIGNATURE;
            }
            forgetOlderThan(now.minus(WINDOW.multipliedBy(2)));
            if (seen.putIfAbsent(expected, now) != null) {
                return Rejection.REPLAYED;
            }
            return null;
        }

        private void forgetOlderThan(Instant limit) {
            for (Iterator<Instant> it = seen.values().iterator(); it.hasNext(); ) {
                if (it.next().isBefore(limit)) {
                    it.remove();
                } else {
                    break; // insertion order is time order
                }
            }
        }
    }
}
