package dev.dolly.agent.api.signing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * One way of signing an HTTP request with HMAC-SHA256, written as data: which headers carry the
 * timestamp (unix seconds), the optional nonce and the signature; which parts of the request are
 * signed, in what order, joined by what; what the signature starts with and how it is encoded;
 * and how far the timestamp may be from the verifier's clock.
 *
 * <p>The signed text is {@code textPrefix SEP part1 SEP part2 …} (no leading separator when
 * {@code textPrefix} is empty); {@link Part#NONCE} is left out, with its separator, when the
 * request carries none; {@link Part#METHOD} is upper case; {@link Part#HOST} is the name of the agent host the request is for (sent as
 * {@link #hostHeader}); {@link Part#BODY} is the raw bytes.
 */
public record SigningScheme(String name, String timestampHeader, String nonceHeader, String hostHeader, String signatureHeader,
                            String textPrefix, List<Part> parts, String separator,
                            String signaturePrefix, Encoding encoding, Duration window) {

    public enum Part { METHOD, HOST, PATH, TIMESTAMP, NONCE, BODY }

    public enum Encoding { HEX, BASE64URL }

    /**
     * Requests to the agent API and the agent's callbacks: {@code METHOD\nHOST\nPATH\nTIMESTAMP\n[NONCE\n]BODY}, hex.
     * HOST is the agent's name (the control plane's {@code hosts[].name}, the agent's {@code agent.name}), also
     * sent as {@code X-Dolly-Host}: a request signed for one host does not verify on another sharing its secret.
     */
    public static final SigningScheme AGENT = new SigningScheme("agent", "X-Dolly-Timestamp", "X-Dolly-Nonce", "X-Dolly-Host",
            "X-Dolly-Signature", "", List.of(Part.METHOD, Part.HOST, Part.PATH, Part.TIMESTAMP, Part.NONCE, Part.BODY), "\n", "",
            Encoding.HEX, Duration.ofMinutes(5));

    /** The CI webhook (clients/dolly-ci): {@code sha256=hex(HMAC(secret, "TIMESTAMP.BODY"))}. */
    public static final SigningScheme CI = new SigningScheme("ci", "X-Dolly-Timestamp", null, null, "X-Dolly-Signature",
            "", List.of(Part.TIMESTAMP, Part.BODY), ".", "sha256=", Encoding.HEX, Duration.ofMinutes(5));

    /** Slack's v0 scheme: {@code v0=hex(HMAC(secret, "v0:TIMESTAMP:BODY"))}. */
    public static final SigningScheme SLACK = new SigningScheme("slack", "X-Slack-Request-Timestamp", null, null, "X-Slack-Signature",
            "v0", List.of(Part.TIMESTAMP, Part.BODY), ":", "v0=", Encoding.HEX, Duration.ofMinutes(5));

    public SigningScheme {
        parts = List.copyOf(parts);
    }

    /** The exact bytes that are signed, for a scheme without {@link Part#HOST}. */
    public byte[] text(String method, String path, long timestamp, String nonce, byte[] body) {
        return text(method, null, path, timestamp, nonce, body);
    }

    /** The exact bytes that are signed; {@code host} is required when the scheme signs {@link Part#HOST}. */
    public byte[] text(String method, String host, String path, long timestamp, String nonce, byte[] body) {
        List<byte[]> pieces = new ArrayList<>();
        if (!textPrefix.isEmpty()) {
            pieces.add(utf8(textPrefix));
        }
        for (Part p : parts) {
            switch (p) {
                case METHOD -> pieces.add(utf8(method.toUpperCase(Locale.ROOT)));
                case HOST -> {
                    if (host == null || host.isEmpty()) throw new IllegalArgumentException(name + " signatures name the host");
                    pieces.add(utf8(host));
                }
                case PATH -> pieces.add(utf8(path));
                case TIMESTAMP -> pieces.add(utf8(Long.toString(timestamp)));
                case NONCE -> {
                    if (nonce != null) pieces.add(utf8(nonce));
                }
                case BODY -> pieces.add(body == null ? new byte[0] : body);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] sep = utf8(separator);
        for (int i = 0; i < pieces.size(); i++) {
            if (i > 0) out.writeBytes(sep);
            out.writeBytes(pieces.get(i));
        }
        return out.toByteArray();
    }

    /** The signature header's value: {@code signaturePrefix + encode(HMAC(secret, text))}. */
    public String sign(byte[] secret, String method, String path, long timestamp, String nonce, byte[] body) {
        return sign(secret, method, null, path, timestamp, nonce, body);
    }

    /** As {@link #sign(byte[], String, String, long, String, byte[])}, for a scheme that signs the {@link Part#HOST}. */
    public String sign(byte[] secret, String method, String host, String path, long timestamp, String nonce, byte[] body) {
        return signaturePrefix + digest(secret, method, host, path, timestamp, nonce, body);
    }

    /** As {@link #sign(byte[], String, String, long, String, byte[])} for schemes that sign only the timestamp and body. */
    public String sign(String secret, long timestamp, String body) {
        return sign(utf8(secret), null, null, timestamp, null, utf8(body));
    }

    /** The encoded HMAC without {@link #signaturePrefix}. */
    public String digest(byte[] secret, String method, String path, long timestamp, String nonce, byte[] body) {
        return digest(secret, method, null, path, timestamp, nonce, body);
    }

    /** The encoded HMAC without {@link #signaturePrefix}, for a scheme that signs the {@link Part#HOST}. */
    public String digest(byte[] secret, String method, String host, String path, long timestamp, String nonce, byte[] body) {
        byte[] mac = Hmac.sha256(secret, text(method, host, path, timestamp, nonce, body));
        return encoding == Encoding.HEX ? HexFormat.of().formatHex(mac) : Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
    }

    /** True when {@code timestamp} is within {@link #window} of {@code now}, either way. */
    public boolean fresh(long timestamp, Instant now) {
        return Duration.between(Instant.ofEpochSecond(timestamp), now).abs().compareTo(window) <= 0;
    }

    /** Constant-time comparison of two signatures (or digests). */
    public static boolean same(String expected, String given) {
        return expected != null && given != null
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
