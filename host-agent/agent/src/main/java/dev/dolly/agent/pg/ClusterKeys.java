package dev.dolly.agent.pg;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The agent's password in each cluster it runs, by the cluster's dataset: {@link Passwords#clusterPassword}
 * of the dataset's ZFS {@code guid} (looked up once per dataset name and guid; a re-created dataset
 * has a new guid, so the cache is keyed by both through {@link #password(String, String)}).
 */
public final class ClusterKeys {
    private final byte[] secret;
    private final Function<String, String> guidOf;
    private final Map<String, String> guids = new ConcurrentHashMap<>();

    /** {@code guidOf}: the {@code guid} property of a dataset (a ZFS lookup). */
    public ClusterKeys(byte[] secret, Function<String, String> guidOf) {
        this.secret = secret.clone();
        this.guidOf = guidOf;
    }

    /** The password in the cluster on {@code dataset}, whose guid is looked up (and remembered: builds never change theirs). */
    public char[] password(String dataset) {
        return Passwords.clusterPassword(secret, guids.computeIfAbsent(dataset, guidOf));
    }

    /** The password in the cluster on a dataset whose {@code guid} the caller already knows. */
    public char[] password(String dataset, String guid) {
        return Passwords.clusterPassword(secret, guid != null ? guid : guidOf.apply(dataset));
    }

    /** Forgets a dataset's guid (it was destroyed; a new one of the same name gets a new guid). */
    public void forget(String dataset) {
        guids.remove(dataset);
    }
}
