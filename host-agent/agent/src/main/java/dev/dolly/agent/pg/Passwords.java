package dev.dolly.agent.pg;

import dev.dolly.agent.api.signing.Hmac;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;
import org.postgresql.util.PasswordUtil;

/**
 * Passwords and their SCRAM-SHA-256 verifiers. Verifiers are computed here, on the client side
 * (PgJDBC's {@link PasswordUtil}), so a plaintext password never crosses the wire to PostgreSQL
 * nor reaches its logs; PostgreSQL stores a presented verifier as it is.
 */
public final class Passwords {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
    private static final Pattern VERIFIER = Pattern.compile("SCRAM-SHA-256\\$\\d+:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+");

    /** The agent's own superuser in every cluster it builds or serves. */
    public static final String AGENT_ROLE = "dolly_agent";

    private Passwords() {}

    /** A random password of 24 characters from an unambiguous alphabet (~139 bits). */
    public static char[] random() {
        char[] p = new char[24];
        for (int i = 0; i < p.length; i++) {
            p[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return p;
    }

    /** The SCRAM-SHA-256 verifier of a password. The caller's array is left intact (PgJDBC wipes the one it is given). */
    public static String scramVerifier(char[] password) {
        return PasswordUtil.encodeScramSha256(password.clone());
    }

    /** Checks that a string is a SCRAM-SHA-256 verifier (safe to embed in a SQL literal). */
    public static String checkVerifier(String v) {
        if (v == null || !VERIFIER.matcher(v).matches()) {
            throw new IllegalArgumentException("not a SCRAM-SHA-256 verifier");
        }
        return v;
    }

    /**
     * The password of {@link #AGENT_ROLE} in ONE cluster: an HMAC-SHA256 of the cluster's dataset
     * {@code guid} (ZFS's unique id of the dataset) under the agent's secret. It is stored nowhere and
     * opens no other cluster, so a tenant who captures it (their own clone) gains nothing they lack.
     * A build dataset's password is what a clone's {@code @created} state carries: the agent sends it
     * only to a server it has just started from untouched data, and re-keys the clone at once.
     */
    public static char[] clusterPassword(byte[] secret, String datasetGuid) {
        if (datasetGuid == null || !datasetGuid.matches("[0-9]+")) {
            throw new IllegalArgumentException("a cluster password needs the dataset's numeric guid");
        }
        byte[] d = Hmac.derive(secret, "dolly host agent: dolly_agent password v2 of dataset " + datasetGuid);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(d).toCharArray();
    }
}
