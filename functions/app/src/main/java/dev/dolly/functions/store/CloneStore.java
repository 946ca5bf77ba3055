package dev.dolly.functions.store;

import dev.dolly.functions.domain.Clone;
import dev.dolly.functions.domain.Quota;
import java.util.List;

/**
 * Clones and quotas as domain records, over {@link DollyStore}'s conditional writes: every write is
 * version-checked ({@link ConflictException} when the clone moved since it was read).
 */
public class CloneStore {
    private final DollyStore store;

    public CloneStore(DollyStore store) {
        this.store = store;
    }

    /** The clone named {@code id} (consistent read), or null. */
    public Clone find(String id) {
        return Records.clone(store.clone(id));
    }

    /** Writes {@code c} if nobody changed it since it was read; returns it at its new version. */
    public Clone update(Clone c) {
        return Records.clone(store.update(Records.item(c)));
    }

    /** What {@link #createCharging} did, and the clone as {@code recorded} (at its new version) when CREATED. */
    public record Created(DollyStore.CreateOutcome outcome, Clone recorded) {}

    /** Records a new clone and charges its owner's quota in one transaction (see {@link DollyStore#createCharging}). */
    public Created createCharging(Clone c, int maxClones, Quota quotaSeen) {
        CloneItem item = Records.item(c);
        DollyStore.CreateOutcome outcome = store.createCharging(item, maxClones, quotaSeen == null ? null : Records.item(quotaSeen));
        return new Created(outcome, outcome == DollyStore.CreateOutcome.CREATED ? Records.clone(item) : null);
    }

    /** Removes {@code c} (version-checked) and gives its owner's quota back, with {@code audit} when given. */
    public void removeReleasing(Clone c, DollyStore.Audit audit) {
        store.removeReleasing(Records.item(c), audit);
    }

    public List<Clone> ownedBy(String ownerKey) {
        return store.clonesOwnedBy(ownerKey).stream().map(Records::clone).toList();
    }

    public List<Clone> all() {
        return store.allClones().stream().map(Records::clone).toList();
    }

    public Quota quota(String principalKey) {
        return Records.quota(store.quota(principalKey));
    }
}
