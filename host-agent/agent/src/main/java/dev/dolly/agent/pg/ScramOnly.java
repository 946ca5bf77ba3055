package dev.dolly.agent.pg;

import java.util.Properties;
import org.postgresql.plugin.AuthenticationPlugin;
import org.postgresql.plugin.AuthenticationRequestType;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * PgJDBC's password source for every connection the agent makes to a cluster Dolly runs: it hands
 * out the password only for a SCRAM (SASL) exchange, which never reveals it to the server. A server
 * that asks for a cleartext or MD5 password (a tenant who rewrote {@code pg_hba.conf} to capture it)
 * or for GSS is refused before anything is sent.
 */
public final class ScramOnly implements AuthenticationPlugin {
    /** The connection property carrying the password to this plugin (never PgJDBC's own {@code password}). */
    static final String PROPERTY = "dollyScramPassword";
    private final String password;

    public ScramOnly(Properties info) {
        this.password = info.getProperty(PROPERTY);
    }

    @Override
    public char[] getPassword(AuthenticationRequestType type) throws PSQLException {
        if (type != AuthenticationRequestType.SASL) {
            throw new PSQLException("the server asked for " + type + " authentication; the agent only authenticates with SCRAM-SHA-256 "
                    + "(authentication downgrade refused, no password sent)", PSQLState.INVALID_AUTHORIZATION_SPECIFICATION);
        }
        return password == null ? null : password.toCharArray();
    }
}
