package dev.dolly.agent.template;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.agent.Layout;
import dev.dolly.agent.config.ConfigLoader;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.process.ProcessFailedException;
import dev.dolly.agent.process.ProcessResult;
import dev.dolly.agent.process.ProcessRunner;
import dev.dolly.agent.zfs.Zfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Listing, dependants and retention decisions over scripted {@code zfs get} output (no ZFS needed). */
class TemplateCatalogTest {
    static final String T = "p/templates";

    /** A fake pool: answers zfs get for the templates and clones trees, records destroys. */
    static final class FakePool implements ProcessRunner {
        final List<String> destroyed = new ArrayList<>();
        final List<String> sets = new ArrayList<>();
        String templates;
        String clones;

        @Override
        public ProcessResult run(Invocation inv) {
            List<String> a = inv.argv();
            String target = a.get(a.size() - 1);
            switch (a.get(1)) {
                case "get":
                    if (target.startsWith("p/clones")) {
                        return new ProcessResult(0, clones, "");
                    }
                    StringBuilder out = new StringBuilder();
                    for (String line : templates.split("\n")) {
                        String name = line.split("\t")[0];
                        boolean inTree = a.contains("-r") ? name.equals(target) || name.startsWith(target + "/") || name.startsWith(target + "@")
                                : name.equals(target);
                        if (inTree && !destroyed.stream().anyMatch(d -> name.equals(d) || name.startsWith(d + "@") || name.startsWith(d + "/"))) {
                            out.append(line).append('\n');
                        }
                    }
                    if (out.length() == 0) {
                        throw new ProcessFailedException(a, 1, "cannot open '" + target + "': dataset does not exist");
                    }
                    return new ProcessResult(0, out.toString(), "");
                case "destroy":
                    destroyed.add(target);
                    return new ProcessResult(0, "", "");
                case "set":
                    sets.add(a.get(2) + " " + target);
                    return new ProcessResult(0, "", "");
                default:
                    throw new AssertionError("unexpected " + a);
            }
        }
    }

    static String build(String id, long creation, boolean ready) {
        String ds = T + "/shop/" + id;
        String s = ds + "\ttype\tfilesystem\t-\n"
                + ds + "\tcreation\t" + creation + "\t-\n"
                + ds + "\treferenced\t1000\t-\n"
                + ds + "\tdolly:state\t" + (ready ? "ready" : "building") + "\tlocal\n"
                + ds + "\tdolly:keys\tcluster\tlocal\n"
                + ds + "\tdolly:created\t2026-11-22T10:00:" + String.format("%02d", creation % 60) + "Z\tlocal\n";
        if (ready) {
            s += ds + "@ready\ttype\tsnapshot\t-\n" + ds + "@ready\treferenced\t" + (creation * 10) + "\t-\n";
        }
        return s;
    }

    static TemplateCatalog catalog(FakePool pool, int retention) {
        AgentConfig c = ConfigLoader.parse("agent: { pool: p }\ntemplates: { shop: { seed: x.sql, retention: " + retention + " } }\n",
                null, Map.of());
        return new TemplateCatalog(c, new Layout("p"), new Zfs(pool));
    }

    static FakePool pool() {
        FakePool p = new FakePool();
        p.templates = T + "\ttype\tfilesystem\t-\n"
                + T + "/shop\ttype\tfilesystem\t-\n"
                + T + "/shop\tdolly:current\tb4\tlocal\n"
                + build("b1", 1, true) + build("b2", 2, true) + build("b3", 3, true) + build("b4", 4, true) + build("b5", 5, false);
        p.clones = "p/clones\torigin\t-\t-\n"
                + "p/clones/c1\torigin\t" + T + "/shop/b1@ready\t-\n"
                + "p/clones/c1@created\torigin\t-\t-\n"
                + "p/clones/c2\torigin\t" + T + "/shop/b1@ready\t-\n";
        return p;
    }

    @Test
    void listsReadySnapshotsNewestFirstWithTheirClones() {
        FakePool p = pool();
        var views = catalog(p, 3).templates();
        assertThat(views).hasSize(1);
        var shop = views.get(0);
        assertThat(shop.currentSnapshot()).isEqualTo("b4");
        assertThat(shop.snapshots()).extracting(s -> s.id()).containsExactly("b4", "b3", "b2", "b1"); // b5 is not ready
        assertThat(shop.snapshots().get(0).current()).isTrue();
        assertThat(shop.snapshots().get(3).clones()).containsExactly("c1", "c2");
        assertThat(shop.snapshots().get(3).sizeBytes()).isEqualTo(10);
    }

    @Test
    void retentionKeepsTheNewestTheCurrentAndWhatClonesNeed() {
        FakePool p = pool();
        // keep 2: b4, b3; b2 has no clones → destroyed; b1 has clones → kept; b5 is building → untouched
        assertThat(catalog(p, 2).applyRetention("shop")).containsExactly("b2");
        assertThat(p.destroyed).containsExactly(T + "/shop/b2");
        // keep 1 with the current pointer on an older snapshot: the current one stays
        FakePool q = pool();
        q.templates = q.templates.replace("dolly:current\tb4", "dolly:current\tb3");
        assertThat(catalog(q, 1).applyRetention("shop")).containsExactly("b2");
        assertThat(q.destroyed).containsExactly(T + "/shop/b2");
        // once the last clone of b1 is gone, b1 goes too
        FakePool r = pool();
        r.clones = "p/clones\torigin\t-\t-\n";
        assertThat(catalog(r, 2).applyRetention("shop")).containsExactly("b2", "b1");
    }

    @Test
    void promoteSetsTheCurrentPointer() {
        FakePool p = pool();
        catalog(p, 3).promote("shop", "b3");
        assertThat(p.sets).containsExactly("dolly:current=b3 " + T + "/shop");
        assertThat(Layout.READY).isEqualTo("ready");
    }
}
