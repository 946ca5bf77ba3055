package dev.dolly.agent;

/** The ZFS user properties that hold the agent's metadata (DESIGN §3: no state file). */
public final class Props {
    /** clones and builds: {@code creating}/{@code ready} (clone), {@code building}/{@code ready} (build). */
    public static final String STATE = "dolly:state";
    public static final String PORT = "dolly:port";
    public static final String OWNER = "dolly:owner";
    /** the database user of the clone's owner. */
    public static final String USER = "dolly:user";
    public static final String TEMPLATE = "dolly:template";
    /** the build id of the template snapshot a clone was made from. */
    public static final String SNAPSHOT = "dolly:snapshot";
    public static final String DATABASE = "dolly:database";
    /** The PostgreSQL major of a template build (its clones run the image of that major). */
    public static final String POSTGRES = "dolly:postgres";
    /**
     * On a template build: how the agent's role password of the build's cluster is made ({@link #KEYS_CLUSTER}: from
     * the build dataset's guid). Builds made before per-cluster keys lack it and cannot be cloned: their clusters
     * carry the agent password every such cluster shared.
     */
    public static final String KEYS = "dolly:keys";
    public static final String KEYS_CLUSTER = "cluster";

    /** The major a {@link #POSTGRES} value names; datasets made before it existed are 15. */
    public static int major(String value) {
        return value == null || !value.matches("\\d{1,3}") ? 15 : Integer.parseInt(value);
    }
    public static final String CREATED = "dolly:created";
    public static final String EXPIRES = "dolly:expires";
    public static final String PROTECTED = "dolly:protected";
    public static final String ACTIVITY = "dolly:activity";
    /** the SCRAM verifier (never the password) of the owner's role, re-applied after a reset. */
    public static final String VERIFIER = "dolly:verifier";
    /**
     * on a clone being reset: the snapshot it is being reset to ({@code created} or {@code sp-<name>}); set before its
     * server stops, cleared once it serves again with the owner's verifier. The reconciler finishes such a reset.
     */
    public static final String RESETTING = "dolly:resetting";
    /** on the template dataset: the build id clones are made from by default. */
    public static final String CURRENT = "dolly:current";
    /** on a build dataset: the refresh job that made it. */
    public static final String JOB = "dolly:job";

    public static final String STATE_CREATING = "creating";
    public static final String STATE_BUILDING = "building";
    public static final String STATE_READY = "ready";
    /**
     * a destroyed clone whose dataset is still being destroyed (the answer went out once its container was gone); never
     * listed, found or counted as a clone; the next start destroys what is left of it.
     */
    public static final String STATE_DESTROYING = "destroying";
    /** a warm spare (ready-to-hand clone of a template's current snapshot, no owner yet); never listed as a clone. */
    public static final String STATE_SPARE = "spare";
    /** on a clone made from a spare: its clone id (its dataset keeps the spare's name); absent: the dataset's name is the id. */
    public static final String CLONE = "dolly:clone";
    /**
     * On a clone: which of its two copies serves behind its port, {@link #SERVING_TWIN} or absent (its own dataset). Written
     * once per reset that swaps them: the point a reset by twin commits at ({@code dev.dolly.agent.clone.Twins}).
     */
    public static final String SERVING = "dolly:serving";
    public static final String SERVING_TWIN = "twin";

    private Props() {}
}
