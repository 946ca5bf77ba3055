package dev.dolly.agent.clone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.agent.Props;
import dev.dolly.agent.zfs.ZfsEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A clone's record from {@code zfs get -r}: its savepoints and {@code @created} are those of the copy that serves. */
class CloneRecordTest {
    private static final String D = "dolly/clones/c1";
    private static final String T = D + "/twin";

    private static ZfsEntry ds(String name, Map<String, String> p) {
        return new ZfsEntry(name, p);
    }

    private static ZfsEntry snap(String name, long creation) {
        return new ZfsEntry(name, Map.of("creation", Long.toString(creation)));
    }

    private static Map<String, String> props(boolean twinServes) {
        Map<String, String> m = new java.util.HashMap<>(Map.of(Props.STATE, Props.STATE_READY, Props.PORT, "21000", Props.TEMPLATE, "shop",
                Props.SNAPSHOT, "b1", Props.USER, "u", "guid", "42", "used", "100"));
        if (twinServes) {
            m.put(Props.SERVING, Props.SERVING_TWIN);
        }
        return m;
    }

    @Test
    void withoutATwinTheCloneDatasetServes() {
        CloneRecord r = CloneRecord.of(D, List.of(ds(D, props(false)), snap(D + "@created", 1), snap(D + "@sp-a", 2)));
        assertThat(r.hasTwin()).isFalse();
        assertThat(r.twinServes()).isFalse();
        assertThat(r.serving()).isEqualTo(D);
        assertThat(r.hasCreatedSnapshot()).isTrue();
        assertThat(r.savepoints()).extracting(CloneRecord.Savepoint::name).containsExactly("a");
    }

    @Test
    void aStandbyTwinDoesNotLendItsSnapshots() {
        CloneRecord r = CloneRecord.of(D, List.of(ds(D, props(false)), snap(D + "@created", 1), ds(T, Map.of()), snap(T + "@created", 3),
                snap(T + "@sp-old", 4)));
        assertThat(r.hasTwin()).isTrue();
        assertThat(r.serving()).isEqualTo(D);
        assertThat(r.savepoints()).isEmpty();
    }

    @Test
    void whenTheTwinServesItsSnapshotsAreTheClones() {
        CloneRecord r = CloneRecord.of(D, List.of(ds(D, props(true)), snap(D + "@created", 1), snap(D + "@sp-stale", 2), ds(T, Map.of()),
                snap(T + "@created", 3), snap(T + "@sp-b", 4)));
        assertThat(r.twinServes()).isTrue();
        assertThat(r.serving()).isEqualTo(T);
        assertThat(r.dataset()).as("the clone's properties stay on its own dataset").isEqualTo(D);
        assertThat(r.hasCreatedSnapshot()).isTrue();
        assertThat(r.savepoints()).extracting(CloneRecord.Savepoint::name).containsExactly("b");
        CloneRecord back = r.swapped(java.time.Instant.EPOCH);
        assertThat(back.twinServes()).isFalse();
        assertThat(back.serving()).isEqualTo(D);
        assertThat(back.savepoints()).isEmpty();
    }
}
