package dev.dolly.agent.config;

import java.util.List;
import java.util.Set;

/**
 * What confines one clone's container and disk (DESIGN §3, tenants are untrusted). Host defaults
 * come from {@code agent.clone}, a template's {@code clone} section overrides them:
 *
 * <pre>
 * agent:
 *   clone: { cpus: 1, pids: 512, quota: 10g, savepoints: 10 }
 *   poolReserve: 10%
 * templates:
 *   t:
 *     clone: { cpus: 2, pids: 256, quota: 20g, savepoints: 5, capAdd: [], readOnlyRoot: true, ownerRole: superuser }
 * </pre>
 *
 * {@code cpus}: CPU quota in cores (0: none; every container also has docker's default equal
 * CPU shares); {@code pids}: process limit; {@code quota}: ZFS {@code quota} of the clone, which
 * counts its savepoints (0: none); {@code savepoints}: most savepoints a clone may hold;
 * {@code capAdd}: capabilities given back after all are dropped (PostgreSQL as uid 999 on its
 * own data needs none); {@code readOnlyRoot}: read-only root filesystem with tmpfs on
 * {@code /tmp} and {@code /run/postgresql}; {@code ownerRole}: {@code superuser} or {@code owner}; {@code spares}: warm
 * spares of the template's current snapshot the agent keeps ready (default 2, 0: none; a create takes one).
 */
public record CloneLimits(double cpus, long pids, long quotaBytes, int savepoints, List<String> capAdd, boolean readOnlyRoot,
                          OwnerRole ownerRole, int spares) {
    /** Warm spares kept per template unless {@code clone.spares} says otherwise. */
    public static final int DEFAULT_SPARES = 2;
    /** Most spares a template may ask for. */
    public static final int MAX_SPARES = 20;

    /** Capabilities a template may give back (none of them lets a process leave its container). */
    static final Set<String> ALLOWED_CAPS = Set.of("CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID", "KILL");

    public static final CloneLimits DEFAULT = new CloneLimits(1.0, 512, 10L << 30, 10, List.of(), true, OwnerRole.SUPERUSER);

    /** With the default number of warm spares. */
    public CloneLimits(double cpus, long pids, long quotaBytes, int savepoints, List<String> capAdd, boolean readOnlyRoot, OwnerRole ownerRole) {
        this(cpus, pids, quotaBytes, savepoints, capAdd, readOnlyRoot, ownerRole, DEFAULT_SPARES);
    }

    /** The clone owner's role: a superuser (their private copy, as before), or the database's non-superuser owner. */
    public enum OwnerRole { SUPERUSER, OWNER }

    public CloneLimits {
        capAdd = List.copyOf(capAdd);
        if (cpus < 0 || pids < 0 || quotaBytes < 0 || savepoints < 0) {
            throw new IllegalArgumentException("clone limits must not be negative");
        }
        if (spares < 0 || spares > MAX_SPARES) {
            throw new IllegalArgumentException("clone.spares " + spares + " must be between 0 (no warm spares) and " + MAX_SPARES);
        }
        for (String c : capAdd) {
            if (!ALLOWED_CAPS.contains(c)) {
                throw new IllegalArgumentException("clone.capAdd: " + c + " is not one of " + ALLOWED_CAPS);
            }
        }
    }
}
