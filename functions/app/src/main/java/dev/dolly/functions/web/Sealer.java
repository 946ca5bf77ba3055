package dev.dolly.functions.web;

import dev.dolly.agent.api.signing.Hmac;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals stored first answers that carry a password (AES-256-GCM, key derived from the CI key's
 * secret), so a retried delivery can get its answer back while the store never holds a password in
 * clear: reading one needs the secret only the CI key's holder and the control plane know.
 */
final class Sealer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Sealer() {}

    private static SecretKeySpec key(String secret, String context) {
        return new SecretKeySpec(Hmac.derive(secret.getBytes(StandardCharsets.UTF_8), "dolly-answer-seal:" + context), "AES");
    }

    static String seal(String secret, String context, String plain) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key(secret, context), new GCMParameterSpec(128, iv));
            byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + ct.length).put(iv).put(ct).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    static String open(String secret, String context, String sealed) {
        try {
            byte[] all = Base64.getDecoder().decode(sealed);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key(secret, context), new GCMParameterSpec(128, all, 0, 12));
            return new String(c.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("stored answer cannot be opened (was the CI key's secret rotated?)", e);
        }
    }
}
