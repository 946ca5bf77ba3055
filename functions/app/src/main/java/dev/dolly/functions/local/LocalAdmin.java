package dev.dolly.functions.local;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The local server's admin secret ({@code dolly.admin-secret}, from {@code DOLLY_ADMIN_SECRET}; scripts/up.sh
 * generates it under the local secrets): the local-only routes (the Slack stand-in's recording, the scheduled
 * refresh and reaper triggers) answer only a request carrying {@code Authorization: Bearer <secret>}. Without a
 * configured secret they answer nobody.
 */
public final class LocalAdmin {
    public static final String HEADER = "Authorization";
    private static final String BEARER = "Bearer ";
    private final byte[] secret;

    public LocalAdmin(String secret) {
        this.secret = secret == null || secret.isBlank() ? null : secret.getBytes(StandardCharsets.UTF_8);
    }

    /** True when {@code authorization} (the header's value) carries the admin secret. */
    public boolean allows(String authorization) {
        if (secret == null || authorization == null || !authorization.startsWith(BEARER)) {
            return false;
        }
        return MessageDigest.isEqual(secret, authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8));
    }

    /** The 401 body of a refused local admin call. */
    public static String refusal() {
        return "{\"error\":\"unauthorized\",\"message\":\"send Authorization: Bearer <the local admin secret> (DOLLY_ADMIN_SECRET)\"}";
    }
}
