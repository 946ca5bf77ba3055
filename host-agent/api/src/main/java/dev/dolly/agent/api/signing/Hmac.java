package dev.dolly.agent.api.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one HMAC-SHA256 in Dolly. Request signatures go through a {@link SigningScheme}; key
 * derivations (a password or an encryption key from a secret and a label) call {@link #derive}.
 */
public final class Hmac {
    private Hmac() {}

    /** {@code HMAC-SHA256(key, part1 ‖ part2 ‖ …)}. */
    public static byte[] sha256(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** A key derived from {@code secret} for one purpose: {@code HMAC-SHA256(secret, label)}. */
    public static byte[] derive(byte[] secret, String label) {
        return sha256(secret, label.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code hex(HMAC-SHA256(utf8(secret), utf8(text)))}. */
    public static String hex(String secret, String text) {
        return HexFormat.of().formatHex(sha256(secret.getBytes(StandardCharsets.UTF_8), text.getBytes(StandardCharsets.UTF_8)));
    }
}
