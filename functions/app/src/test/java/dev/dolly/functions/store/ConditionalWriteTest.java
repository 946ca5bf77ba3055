package dev.dolly.functions.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.control.api.CloneState;
import dev.dolly.functions.Harness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every change is a conditional write: stale versions lose, creates and quota charges commit together. */
class ConditionalWriteTest {
    private Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness(Harness.yaml(""));
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void aStaleVersionLoses() {
        h.seedClone("c1", "slack:UDEV", "shop", "h1", Duration.ofHours(1));
        CloneItem a = h.store.clone("c1");
        CloneItem b = h.store.clone("c1");
        a.setState(CloneState.RESETTING);
        h.store.update(a);
        b.setState(CloneState.DESTROYING);
        assertThatThrownBy(() -> h.store.update(b)).isInstanceOf(ConflictException.class);
        assertThat(h.store.clone("c1").getState()).isEqualTo(CloneState.RESETTING);
        // the winner's next write, from its fresh read, goes through
        CloneItem fresh = h.store.clone("c1");
        fresh.setState(CloneState.READY);
        h.store.update(fresh);
        assertThat(h.store.clone("c1").getVersion()).isEqualTo(3L);
    }

    @Test
    void removingAStaleCloneLosesAndKeepsTheQuota() {
        h.seedClone("c1", "slack:UDEV", "shop", "h1", Duration.ofHours(1));
        CloneItem stale = h.store.clone("c1");
        CloneItem fresh = h.store.clone("c1");
        fresh.setProtectedClone(true);
        h.store.update(fresh);
        assertThatThrownBy(() -> h.store.removeReleasing(stale, null)).isInstanceOf(ConflictException.class);
        assertThat(h.store.quota("slack:UDEV").getClones()).isEqualTo(1);
        h.store.removeReleasing(h.store.clone("c1"), null);
        assertThat(h.store.clone("c1")).isNull();
        assertThat(h.store.quota("slack:UDEV").getClones()).isZero();
    }

    @Test
    void aNameIsCreatedOnceAndChargedOnce() {
        CloneItem one = CloneItem.create("same", "slack:UDEV");
        one.setState(CloneState.CREATING);
        CloneItem two = CloneItem.create("same", "slack:UDEV2");
        two.setState(CloneState.CREATING);
        assertThat(h.store.createCharging(one, 5)).isEqualTo(DollyStore.CreateOutcome.CREATED);
        assertThat(h.store.createCharging(two, 5)).isEqualTo(DollyStore.CreateOutcome.EXISTS);
        assertThat(h.store.quota("slack:UDEV").getClones()).isEqualTo(1);
        assertThat(h.store.quota("slack:UDEV2").getClones()).isZero();
    }

    @Test
    void concurrentChargesAgainstOneQuotaNeverOvershoot() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<DollyStore.CreateOutcome>> fs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = i;
                fs.add(pool.submit((Callable<DollyStore.CreateOutcome>) () -> {
                    CloneItem c = CloneItem.create("q" + n, "ci:ci-dev");
                    c.setState(CloneState.CREATING);
                    return h.store.createCharging(c, 3);
                }));
            }
            int created = 0;
            for (Future<DollyStore.CreateOutcome> f : fs) {
                if (f.get() == DollyStore.CreateOutcome.CREATED) created++;
                else assertThat(f.get()).isEqualTo(DollyStore.CreateOutcome.QUOTA_EXCEEDED);
            }
            assertThat(created).isEqualTo(3);
            assertThat(h.store.quota("ci:ci-dev").getClones()).isEqualTo(3);
            assertThat(h.store.clonesOwnedBy("ci:ci-dev")).hasSize(3);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void templateClaimsAreConditional() {
        TemplateItem t = TemplateItem.create("shop");
        t.setRefreshState("RUNNING");
        h.store.putTemplate(t);
        TemplateItem a = h.store.template("shop");
        TemplateItem b = h.store.template("shop");
        a.setRefreshJob("j1");
        h.store.putTemplate(a);
        b.setRefreshJob("j2");
        assertThatThrownBy(() -> h.store.putTemplate(b)).isInstanceOf(ConflictException.class);
        TemplateItem again = TemplateItem.create("shop");
        assertThatThrownBy(() -> h.store.putTemplate(again)).as("a second 'new' item loses too").isInstanceOf(ConflictException.class);
        assertThat(h.store.template("shop").getRefreshJob()).isEqualTo("j1");
    }
}
