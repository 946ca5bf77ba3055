package dev.dolly.agent.clone;

import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.config.CloneLimits;
import dev.dolly.agent.pg.ClusterAdmin;
import dev.dolly.agent.pg.ClusterKeys;
import dev.dolly.agent.pg.Passwords;
import dev.dolly.agent.pg.PgConnect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Who holds a clone's cluster: the agent's role with the cluster's own key (its dataset's guid, never the build's key
 * that every fresh clone of a build shares), and the owner's login role with their stored SCRAM verifier, a superuser or,
 * with {@code clone.ownerRole: owner}, the owner of the database and everything in it. One place for a create (cold or
 * from a warm spare) and a reset.
 */
public final class CloneOwnership {
    private final AgentConfig config;
    private final ClusterKeys keys;

    public CloneOwnership(AgentConfig config, ClusterKeys keys) {
        this.config = config;
        this.keys = keys;
    }

    /** The owner role kind of a template's clones ({@code clone.ownerRole}). */
    public CloneLimits.OwnerRole ownerRole(String template) {
        return config.template(template).map(t -> t.cloneDefaults().limits()).orElse(config.isolation().cloneDefaults()).ownerRole();
    }

    /**
     * On a cluster that still carries the build's key ({@code conn} logged in with it): moves the agent's role to the
     * cluster's own key, then {@link #giveTo gives} it to the owner.
     */
    public void administer(Connection conn, String dataset, String guid, String user, String verifier, String template, int port,
                           String database) throws SQLException {
        char[] own = keys.password(dataset, guid);
        try {
            ClusterAdmin.setAgentVerifier(conn, Passwords.scramVerifier(own));
        } finally {
            Arrays.fill(own, '\0');
        }
        giveTo(conn, dataset, guid, user, verifier, template, port, database);
    }

    /**
     * The owner's login role with {@code verifier}; for {@code ownerRole: owner} also the database and everything in it
     * (through {@code conn} when it is connected to that database, else a connection to it with the cluster's own key).
     * {@code conn}: the agent's, to the cluster.
     */
    public void giveTo(Connection conn, String dataset, String guid, String user, String verifier, String template, int port,
                       String database) throws SQLException {
        boolean superuser = ownerRole(template) == CloneLimits.OwnerRole.SUPERUSER;
        ClusterAdmin.ensureLoginRole(conn, user, verifier, superuser);
        if (!superuser) {
            if (database.equals(conn.getCatalog())) {
                // already connected to it: no second login (and no second relation-cache build on a just-started server)
                ClusterAdmin.giveDatabaseTo(conn, database, user);
                return;
            }
            char[] own = keys.password(dataset, guid);
            try (Connection db = PgConnect.connect("127.0.0.1", port, database, Passwords.AGENT_ROLE, own, 120)) {
                ClusterAdmin.giveDatabaseTo(db, database, user);
            } finally {
                Arrays.fill(own, '\0');
            }
        }
    }
}
