package dev.dolly.functions.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.control.api.CloneInfo;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Notifier;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.Harness;
import dev.dolly.functions.store.CloneItem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Expiry by TTL and idleness, protection, warnings once per expiry — all on an injected clock. */
class ReaperTest {
    record Warning(String owner, String cloneId, Instant at) {}

    private final List<Warning> warnings = new CopyOnWriteArrayList<>();
    private Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness(Harness.yaml(""));
        h.notifier(new Notifier() {
            public void refreshProgress(CommandResult.RefreshInfo refresh) {}
            public void refreshFinished(CommandResult.RefreshInfo refresh) {}
            public void expiryWarning(String owner, CloneInfo clone, Instant expiresAt) {
                warnings.add(new Warning(owner, clone.id(), expiresAt));
            }
        });
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void warnsOnceThenExpiresByTtl() {
        Instant start = h.clock.instant();
        h.seedClone("short", "slack:UDEV", "shop", "h1", Duration.ofHours(2));
        assertThat(h.reaper.run().warned()).isEmpty();

        h.clock.advance(Duration.ofMinutes(61)); // 59 minutes left: inside the 1 h warning window
        Reaper.Report r = h.reaper.run();
        assertThat(r.warned()).containsExactly("short");
        assertThat(warnings).containsExactly(new Warning("UDEV", "short", start.plus(Duration.ofHours(2))));
        h.clock.advance(Duration.ofMinutes(1));
        assertThat(h.reaper.run().warned()).as("once per expiry").isEmpty();

        h.clock.advance(Duration.ofMinutes(58));
        r = h.reaper.run();
        assertThat(r.expired()).containsExactly("short");
        assertThat(h.store.clone("short")).isNull();
        assertThat(h.store.quota("slack:UDEV").getClones()).isZero();
        assertThat(h.store.auditOf("clone:short")).anySatisfy(a -> {
            assertThat(a.getAction()).isEqualTo("expire");
            assertThat(a.getDetail()).isEqualTo("ttl");
            assertThat(a.getFront()).isEqualTo("SCHEDULE");
        });
    }

    @Test
    void extendingMovesTheExpiryAndWarnsAgainForTheNewOne() {
        h.seedClone("ext", "slack:UDEV", "shop", null, Duration.ofHours(2));
        h.clock.advance(Duration.ofMinutes(70));
        assertThat(h.reaper.run().warned()).containsExactly("ext");
        // no host here: extend only changes the record
        h.service.execute(Principal.slackUser("UDEV", java.util.Set.of()), Front.SLACK, new Command.Extend("ext", Duration.ofHours(1)));
        h.clock.advance(Duration.ofMinutes(40)); // the old expiry has passed: 1 h 10 min left of the new one
        Reaper.Report r = h.reaper.run();
        assertThat(r.expired()).isEmpty();
        assertThat(r.warned()).isEmpty();
        h.clock.advance(Duration.ofMinutes(11));
        assertThat(h.reaper.run().warned()).containsExactly("ext");
        assertThat(warnings).hasSize(2);
    }

    @Test
    void idleClonesExpireUnlessProtected() {
        h.seedClone("idle", "slack:UDEV", "shop", "h1", Duration.ofHours(20));   // shop: idle 4h
        h.seedClone("busy", "slack:UDEV", "shop", "h1", Duration.ofHours(20));
        CloneItem prot = h.seedClone("kept", "slack:UDEV", "shop", "h1", Duration.ofHours(1));
        prot.setProtectedClone(true);
        h.store.update(prot);
        h.seedClone("crm-one", "slack:UDEV", "crm", "h1", Duration.ofHours(20)); // crm: no idle limit

        h.clock.advance(Duration.ofHours(3));
        CloneItem busy = h.store.clone("busy");
        busy.setLastActivityAt(h.clock.instant());
        h.store.update(busy);
        h.clock.advance(Duration.ofHours(1).plusMinutes(1));

        Reaper.Report r = h.reaper.run();
        assertThat(r.expired()).containsExactly("idle");
        assertThat(h.store.auditOf("clone:idle")).anySatisfy(a -> assertThat(a.getDetail()).isEqualTo("idle"));
        assertThat(h.store.clone("kept")).as("protected: never expires").isNotNull();
        assertThat(h.store.clone("busy")).isNotNull();
        assertThat(h.store.clone("crm-one")).isNotNull();
        assertThat(r.warned()).doesNotContain("kept", "busy"); // protected; busy has 3 h left
    }
}
