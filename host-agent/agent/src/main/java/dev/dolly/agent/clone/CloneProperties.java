package dev.dolly.agent.clone;

import dev.dolly.agent.Names;
import dev.dolly.agent.Props;
import dev.dolly.agent.config.TemplateConfig;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ZFS user properties of a clone (the agent's only state, DESIGN §3), in two parts: what its template and snapshot
 * give ({@link #ofTemplate}: a warm spare has only these) and what its create gives ({@link #forCreate}: owner, role,
 * verifier, times).
 */
public final class CloneProperties {
    private CloneProperties() {}

    /** State, port, template, snapshot, database, PostgreSQL major and the template's quota. */
    public static Map<String, String> ofTemplate(String state, int port, TemplateConfig tc, String build, int major) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(Props.STATE, state);
        props.put(Props.PORT, Integer.toString(port));
        props.put(Props.TEMPLATE, tc.name());
        props.put(Props.SNAPSHOT, build);
        props.put(Props.DATABASE, tc.database());
        props.put(Props.POSTGRES, Integer.toString(major));
        if (tc.cloneDefaults().quotaBytes() > 0) {
            // what the clone writes, its savepoints included (a fresh clone uses nothing: it shares the snapshot's blocks)
            props.put("quota", Long.toString(tc.cloneDefaults().quotaBytes()));
        }
        return props;
    }

    /**
     * Owner, their database role ({@link Names#roleForOwner}), its SCRAM verifier, created and last activity
     * ({@code now}), expiry (when given) and protection (only when on: absent reads as off).
     */
    public static Map<String, String> forCreate(String owner, String verifier, Instant now, Instant expiresAt, boolean protect) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(Props.OWNER, owner);
        props.put(Props.USER, Names.roleForOwner(owner));
        props.put(Props.CREATED, now.toString());
        props.put(Props.ACTIVITY, now.toString());
        props.put(Props.VERIFIER, verifier);
        if (protect) {
            props.put(Props.PROTECTED, "true");
        }
        if (expiresAt != null) {
            props.put(Props.EXPIRES, expiresAt.toString());
        }
        return props;
    }
}
