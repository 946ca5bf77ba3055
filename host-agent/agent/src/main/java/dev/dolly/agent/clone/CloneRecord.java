package dev.dolly.agent.clone;

import dev.dolly.agent.Layout;
import dev.dolly.agent.Props;
import dev.dolly.agent.zfs.ZfsEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** A clone as its ZFS dataset and snapshots describe it (the agent's only state). */
public record CloneRecord(
        String id,
        String dataset,
        String state,
        int port,
        String owner,
        String user,
        String template,
        String snapshot,
        String database,
        Instant createdAt,
        Instant expiresAt,
        boolean protectedClone,
        Instant lastActivityAt,
        String verifier,
        String guid,
        String resetting,
        long usedBytes,
        long referencedBytes,
        boolean hasCreatedSnapshot,
        List<Savepoint> savepoints,
        int postgres,
        boolean hasTwin,
        boolean twinServes) {

    public record Savepoint(String name, Instant createdAt) {}

    public boolean ready() {
        return Props.STATE_READY.equals(state);
    }

    /** A destroyed clone whose dataset is still being destroyed: no one's clone any more. */
    public boolean destroying() {
        return Props.STATE_DESTROYING.equals(state);
    }

    /** A warm spare, not (yet) anyone's clone. */
    public boolean spare() {
        return Props.STATE_SPARE.equals(state);
    }

    /** This record after a reset: last activity {@code at}, {@code used} bytes. */
    public CloneRecord afterReset(Instant at, long used) {
        return new CloneRecord(id, dataset, state, port, owner, user, template, snapshot, database, createdAt, expiresAt, protectedClone,
                at, verifier, guid, null, used, referencedBytes, hasCreatedSnapshot, savepoints, postgres, hasTwin, twinServes);
    }

    /**
     * The dataset whose data serves behind the clone's port: its own, or its twin's after a reset swapped them
     * ({@link Props#SERVING}). Savepoints and resets work on it; the clone's properties stay on {@link #dataset}.
     */
    public String serving() {
        return twinServes ? Layout.twinOf(dataset) : dataset;
    }

    /** This record after a reset by twin: the other copy serves, at {@code @created}, with no savepoints. */
    public CloneRecord swapped(Instant at) {
        return new CloneRecord(id, dataset, state, port, owner, user, template, snapshot, database, createdAt, expiresAt, protectedClone,
                at, verifier, guid, null, usedBytes, referencedBytes, true, List.of(), postgres, true, !twinServes);
    }

    public boolean hasSavepoint(String name) {
        return savepoints.stream().anyMatch(s -> s.name().equals(name));
    }

    /**
     * Builds the record of dataset {@code dataset} from a recursive {@code zfs get} (its entries and its snapshots', and its
     * twin's: the savepoints and {@code @created} are those of whichever copy serves).
     */
    static CloneRecord of(String dataset, Collection<ZfsEntry> entries) {
        ZfsEntry ds = null;
        boolean twin = false;
        for (ZfsEntry e : entries) {
            if (!e.isSnapshot() && e.dataset().equals(dataset)) {
                ds = e;
            } else if (!e.isSnapshot() && e.dataset().equals(Layout.twinOf(dataset))) {
                twin = true;
            }
        }
        boolean twinServes = ds != null && Props.SERVING_TWIN.equals(ds.get(Props.SERVING));
        String serving = twinServes ? Layout.twinOf(dataset) : dataset;
        boolean created = false;
        List<Savepoint> sps = new ArrayList<>();
        for (ZfsEntry e : entries) {
            if (!e.isSnapshot() || !e.dataset().equals(serving)) {
                continue;
            }
            if (Layout.CREATED.equals(e.snapshotName())) {
                created = true;
            } else if (e.snapshotName().startsWith(Layout.SAVEPOINT_PREFIX)) {
                sps.add(new Savepoint(e.snapshotName().substring(Layout.SAVEPOINT_PREFIX.length()),
                        Instant.ofEpochSecond(e.getLong("creation", 0))));
            }
        }
        if (ds == null) {
            return null;
        }
        sps.sort(Comparator.comparing(Savepoint::createdAt).thenComparing(Savepoint::name));
        Instant createdAt = instant(ds.get(Props.CREATED));
        String id = ds.get(Props.CLONE) == null || ds.get(Props.CLONE).isBlank() ? ds.leaf() : ds.get(Props.CLONE);
        return new CloneRecord(id, dataset, ds.get(Props.STATE), (int) ds.getLong(Props.PORT, 0), ds.get(Props.OWNER),
                ds.get(Props.USER), ds.get(Props.TEMPLATE), ds.get(Props.SNAPSHOT), ds.get(Props.DATABASE),
                createdAt != null ? createdAt : Instant.ofEpochSecond(ds.getLong("creation", 0)),
                instant(ds.get(Props.EXPIRES)), "true".equals(ds.get(Props.PROTECTED)), instant(ds.get(Props.ACTIVITY)),
                ds.get(Props.VERIFIER), ds.get("guid"), ds.get(Props.RESETTING), ds.getLong("used", 0), ds.getLong("referenced", 0), created, List.copyOf(sps),
                Props.major(ds.get(Props.POSTGRES)), twin, twinServes);
    }

    private static Instant instant(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
