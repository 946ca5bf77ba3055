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
 * {@code METHOD \n HOST \n PATH \n TIMESTAMP \n BODY}; HOST is the name of the agent host the request is for
 * (sent as {@link #HOST_HEADER}), so a request for one host does not verify on another with the same secret;
 * the timestamp is unix seconds. A request is accepted within {@link #WINDOW} of the verifier's clock, either
 * way, and each signature is accepted once (a {@link ReplayMemory} rejects a replay within the window).
 *
 * <p>Two identical requests in the same second have the same signature, so the second one is
 * indistinguishable from a replay. A caller that may repeat a request within a second (polling a
 * job, retrying) sends a fresh random {@link #NONCE_HEADER} with each request; the signed text is
 * then {@code METHOD \n HOST \n PATH \n TIMESTAMP \n NONCE \n BODY}. The nonce is optional.
 */
public final class RequestSigning {
    public static final SigningScheme SCHEME = SigningScheme.AGENT;
    public static final String TIMESTAMP_HEADER = SCHEME.timestampHeader();
    public static final String SIGNATURE_HEADER = SCHEME.signatureHeader();
    /** The name of the host the request is for (signed). */
    public static final String HOST_HEADER = SCHEME.hostHeader();
    /** Optional: a fresh random token per request (1–64 of [A-Za-z0-9_-]), signed with it. */
    public static final String NONCE_HEADER = SCHEME.nonceHeader();
    public static final Duration WINDOW = SCHEME.window();

    private RequestSigning() {}

    /** The hex signature of one request for {@code host}. */
    public static String sign(byte[] secret, String method, String host, String path, long timestamp, byte[] body) {
        return sign(secret, method, host, path, timestamp, null, body);
    }

    /** The hex signature of one request for {@code host} carrying a nonce ({@code null}: none). */
    public static String sign(byte[] secret, String method, String host, String path, long timestamp, String nonce, byte[] body) {
        return SCHEME.sign(secret, method, host, path, timestamp, nonce, body);
    }

    /** Adds the host, the timestamp (from {@code clock}), a fresh nonce and the signature of this request to {@code request}. */
    public static HttpRequest.Builder signed(HttpRequest.Builder request, byte[] secret, Clock clock, String method, String host,
                                             String path, byte[] body) {
        long ts = clock.instant().getEpochSecond();
        // a fresh nonce per request: polls and retries of the same request within a second are not replays
        String nonce = newNonce();
        return request.header(TIMESTAMP_HEADER, Long.toString(ts))
                .header(NONCE_HEADER, nonce)
                .header(HOST_HEADER, host)
                .header(SIGNATURE_HEADER, sign(secret, method, host, path, ts, nonce, body));
    }

    /** A fresh random nonce for {@link #NONCE_HEADER}. */
    public static String newNonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private static final java.util.regex.Pattern NONCE = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final java.util.regex.Pattern TIMESTAMP = java.util.regex.Pattern.compile("[0-9]{1,12}");
    private static final java.util.regex.Pattern SIGNATURE = java.util.regex.Pattern.compile("[0-9a-fA-F]{64}");

    /** Why a request was refused; {@code null} from {@link Verifier#verify} means accepted. */
    public enum Rejection { MISSING, MALFORMED_TIMESTAMP, OUTSIDE_WINDOW, BAD_SIGNATURE, REPLAYED }

    /**
     * Remembers the signatures already accepted until they leave the window. Implementations: in memory
     * ({@link InMemory}), a file under the agent's state (replays are refused across restarts), a
     * conditional put in DynamoDB (across control-plane instances).
     */
    public interface ReplayMemory {
        /** Records {@code key} until {@code expiresAt}; false when it is already recorded and not yet expired. */
        boolean firstUse(String key, Instant now, Instant expiresAt);
    }

    /** A replay memory of one process, forgetting entries as they expire. */
    public static final class InMemory implements ReplayMemory {
        private final Map<String, Instant> seen = new LinkedHashMap<>();

        @Override
        public synchronized boolean firstUse(String key, Instant now, Instant expiresAt) {
            for (Iterator<Instant> it = seen.values().iterator(); it.hasNext(); ) {
                if (it.next().isBefore(now)) {
                    it.remove();
                } else {
                    break; // insertion order is expiry order (one lifetime for all)
                }
            }
            Instant old = seen.get(key);
            if (old != null && !old.isBefore(now)) {
                return false;
            }
            seen.put(key, expiresAt);
            return true;
        }
    }

    /** Checks signatures of requests for one host against one secret, with an injected clock and a replay memory. */
    public static final class Verifier {
        private final byte[] secret;
        private final String host;
        private final Clock clock;
        private final ReplayMemory replays;

        /** A verifier remembering signatures in memory (lost on restart). */
        public Verifier(byte[] secret, String host, Clock clock) {
            this(secret, host, clock, new InMemory());
        }

        public Verifier(byte[] secret, String host, Clock clock, ReplayMemory replays) {
            if (host == null || host.isEmpty()) {
                throw new IllegalArgumentException("a verifier checks requests for one named host");
            }
            this.secret = secret.clone();
            this.host = host;
            this.clock = clock;
            this.replays = replays;
        }

        public String host() { return host; }

        /**
         * Checks what can be checked before the body is read: the headers are present and well formed and the
         * timestamp is within the window. Null when the request may go on to {@link #verify}.
         */
        public Rejection precheck(String timestampHeader, String nonceHeader, String signatureHeader) {
            if (timestampHeader == null || signatureHeader == null) {
                return Rejection.MISSING;
            }
            if (!TIMESTAMP.matcher(timestampHeader.trim()).matches()) {
                return Rejection.MALFORMED_TIMESTAMP;
            }
            if ((nonceHeader != null && !NONCE.matcher(nonceHeader).matches()) || !SIGNATURE.matcher(signatureHeader.trim()).matches()) {
                return Rejection.BAD_SIGNATURE;
            }
            if (!SCHEME.fresh(Long.parseLong(timestampHeader.trim()), clock.instant())) {
                return Rejection.OUTSIDE_WINDOW;
            }
            return null;
        }

        /** Returns null when the request is authentic, fresh and not seen before; otherwise why not. */
        public Rejection verify(String method, String path, String timestampHeader, String signatureHeader, byte[] body) {
            return verify(method, path, timestampHeader, null, signatureHeader, body);
        }

        /** As {@link #verify(String, String, String, String, byte[])}, for a request that may carry a {@link #NONCE_HEADER}. */
        public Rejection verify(String method, String path, String timestampHeader, String nonceHeader,
                                String signatureHeader, byte[] body) {
            Rejection pre = precheck(timestampHeader, nonceHeader, signatureHeader);
            if (pre != null) {
                return pre;
            }
            long timestamp = Long.parseLong(timestampHeader.trim());
            String expected = sign(secret, method, host, path, timestamp, nonceHeader, body);
            if (!SigningScheme.same(expected, signatureHeader.trim().toLowerCase())) {
                return Rejection.BAD_SIGNATURE;
            }
            // a signature is fresh until its timestamp leaves the window on either side
            Instant now = clock.instant();
            Instant expires = Instant.ofEpochSecond(timestamp).plus(WINDOW).plusSeconds(1);
            if (!replays.firstUse(expected, now, expires.isBefore(now) ? now : expires)) {
                return Rejection.REPLAYED;
            }
            return null;
        }
    }
}
