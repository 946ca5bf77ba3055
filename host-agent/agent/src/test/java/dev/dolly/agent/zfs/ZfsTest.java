package dev.dolly.agent.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.agent.process.ProcessFailedException;
import dev.dolly.agent.process.ProcessResult;
import dev.dolly.agent.process.ProcessRunner;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The ZFS driver against a scripted process runner: parsing, error classification, busy retries. */
class ZfsTest {
    static final class Scripted implements ProcessRunner {
        final List<List<String>> calls = new ArrayList<>();
        final Deque<Function<List<String>, ProcessResult>> answers = new ArrayDeque<>();

        Scripted answer(Function<List<String>, ProcessResult> a) {
            answers.add(a);
            return this;
        }

        Scripted ok(String stdout) {
            return answer(argv -> new ProcessResult(0, stdout, ""));
        }

        Scripted fail(String stderr) {
            return answer(argv -> {
                throw new ProcessFailedException(argv, 1, stderr);
            });
        }

        @Override
        public ProcessResult run(Invocation inv) {
            calls.add(inv.argv());
            return answers.isEmpty() ? new ProcessResult(0, "", "") : answers.poll().apply(inv.argv());
        }
    }

    @Test
    void parsesGetOutputKeepingOnlyLocalUserProperties() {
        String out = String.join("\n",
                "dolly/t\tdolly:current\tb1\tlocal",
                "dolly/t/b1\tdolly:current\tb1\tinherited from dolly/t",
                "dolly/t/b1\tused\t114688\t-",
                "dolly/t/b1\torigin\t-\t-",
                "dolly/t/b1@ready\tdolly:port\t-\t-",
                "dolly/t/b1@ready\tcreation\t1795308695\t-",
                "dolly/c/x\tdolly:verifier\tSCRAM-SHA-256$4096:abc=$def=:ghi=\tlocal",
                "");
        Map<String, ZfsEntry> m = Zfs.parseGet(out);
        assertThat(m.keySet()).containsExactly("dolly/t", "dolly/t/b1", "dolly/t/b1@ready", "dolly/c/x");
        assertThat(m.get("dolly/t").get("dolly:current")).isEqualTo("b1");
        assertThat(m.get("dolly/t/b1").get("dolly:current")).isNull();
        assertThat(m.get("dolly/t/b1").getLong("used", -1)).isEqualTo(114688);
        assertThat(m.get("dolly/t/b1").get("origin")).isNull();
        ZfsEntry snap = m.get("dolly/t/b1@ready");
        assertThat(snap.isSnapshot()).isTrue();
        assertThat(snap.dataset()).isEqualTo("dolly/t/b1");
        assertThat(snap.snapshotName()).isEqualTo("ready");
        assertThat(snap.leaf()).isEqualTo("b1");
        assertThat(snap.getLong("creation", 0)).isEqualTo(1795308695L);
        assertThat(m.get("dolly/c/x").get("dolly:verifier")).isEqualTo("SCRAM-SHA-256$4096:abc=$def=:ghi=");
    }

    @Test
    void aMissingDatasetReadsAsEmpty() {
        Scripted r = new Scripted().fail("cannot open 'dolly/nope': dataset does not exist");
        Zfs zfs = new Zfs(r);
        assertThat(zfs.get("dolly/nope", true, List.of("used"))).isEmpty();
        assertThat(r.calls.get(0)).containsExactly("zfs", "get", "-Hp", "-r", "-o", "name,property,value,source", "used", "dolly/nope");
    }

    @Test
    void destroyIsRetriedWhileBusy() {
        Scripted r = new Scripted().fail("cannot destroy 'dolly/c/x': dataset is busy").fail("cannot destroy 'dolly/c/x': dataset is busy").ok("");
        new Zfs(r, new ZfsCommands(), Duration.ofSeconds(5)).destroyRecursive("dolly/c/x");
        assertThat(r.calls).hasSize(3).allSatisfy(c -> assertThat(c).containsExactly("zfs", "destroy", "-r", "dolly/c/x"));
    }

    @Test
    void busyRetriesEndAndOtherErrorsAreClassified() {
        Scripted busy = new Scripted();
        for (int i = 0; i < 100; i++) {
            busy.fail("cannot destroy 'x': dataset is busy");
        }
        assertThatThrownBy(() -> new Zfs(busy, new ZfsCommands(), Duration.ofMillis(60)).destroy("x"))
                .isInstanceOfSatisfying(ZfsException.class, e -> assertThat(e.kind()).isEqualTo(ZfsException.Kind.BUSY));
        assertThat(ZfsException.classify("cannot create 'dolly/c/x': out of space")).isEqualTo(ZfsException.Kind.NO_SPACE);
        assertThat(ZfsException.classify("cannot create 'dolly/c/x': dataset already exists")).isEqualTo(ZfsException.Kind.EXISTS);
        assertThat(ZfsException.classify("cannot destroy 'dolly/t/b@ready': snapshot has dependent clones")).isEqualTo(ZfsException.Kind.HAS_DEPENDENTS);
        assertThat(ZfsException.classify("cannot open 'x': dataset does not exist")).isEqualTo(ZfsException.Kind.NOT_FOUND);
        assertThat(ZfsException.classify("something odd")).isEqualTo(ZfsException.Kind.OTHER);
        // a destroy of something already gone is fine
        new Zfs(new Scripted().fail("cannot open 'x': dataset does not exist")).destroyRecursive("x");
    }

    @Test
    void spaceIsUsedPlusAvailable() {
        Zfs zfs = new Zfs(new Scripted().ok("dolly\tused\t1000\t-\ndolly\tavailable\t9000\t-\n"));
        Zfs.Space s = zfs.space("dolly");
        assertThat(s.usedBytes()).isEqualTo(1000);
        assertThat(s.availableBytes()).isEqualTo(9000);
        assertThat(s.sizeBytes()).isEqualTo(10000);
    }
}
