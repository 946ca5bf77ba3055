package dev.dolly.agent.reconcile;

import dev.dolly.agent.Layout;
import dev.dolly.agent.Props;
import dev.dolly.agent.clone.CloneRecord;
import dev.dolly.agent.clone.CloneService;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.docker.ContainerInfo;
import dev.dolly.agent.docker.Containers;
import dev.dolly.agent.ports.PortPool;
import dev.dolly.agent.template.TemplateBuilds;
import dev.dolly.agent.template.TemplateCatalog;
import dev.dolly.agent.zfs.Zfs;
import dev.dolly.agent.zfs.ZfsEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the pool and the engine back in line on start (there is no state file to trust):
 * build and initdb containers of a previous run are removed and their half-built datasets
 * destroyed; half-made clones are removed; ready clones get their port back and their container
 * started (or re-created); containers without a dataset are removed, and datasets of destroyed clones (whose destroy
 * answered before its dataset was gone); a template whose current
 * pointer is missing or dangling points at its newest ready snapshot again; warm spares of a
 * previous run are removed (the spare pool refills once the agent runs). Everything it does is logged.
 */
public class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final int RESET_ATTEMPTS = 2;
    private final AgentConfig config;
    private final Layout layout;
    private final Zfs zfs;
    private final Containers containers;
    private final CloneService clones;
    private final TemplateBuilds builds;
    private final TemplateCatalog catalog;
    private final PortPool ports;

    public Reconciler(AgentConfig config, Layout layout, Zfs zfs, Containers containers, CloneService clones,
                      TemplateBuilds builds, TemplateCatalog catalog, PortPool ports) {
        this.config = config;
        this.layout = layout;
        this.zfs = zfs;
        this.containers = containers;
        this.clones = clones;
        this.builds = builds;
        this.catalog = catalog;
        this.ports = ports;
    }

    /** What a reconciliation did. */
    public record Report(List<String> removedContainers, List<String> removedBuilds, List<String> removedClones,
                         List<String> startedClones, List<String> repointedTemplates) {
        public boolean changedAnything() {
            return !(removedContainers.isEmpty() && removedBuilds.isEmpty() && removedClones.isEmpty()
                    && startedClones.isEmpty() && repointedTemplates.isEmpty());
        }
    }

    public Report reconcile() {
        Report r = new Report(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        zfs.create(layout.templates(), Map.of());
        zfs.create(layout.clones(), Map.of());
        List<ContainerInfo> all = containers.list(Map.of(Layout.LABEL_ROOT, layout.root()));

        // 1. builds and source-tool runs of a previous run: nothing of a build survives its agent
        for (ContainerInfo c : all) {
            String kind = c.labels().get(Layout.LABEL_KIND);
            if (Layout.KIND_BUILD.equals(kind) || Layout.KIND_INIT.equals(kind) || Layout.KIND_TOOL.equals(kind)) {
                containers.removeForce(c.id());
                r.removedContainers().add(c.name());
                log.info("reconcile: removed {} container {} of a previous run", kind, c.name());
            }
        }
        Map<String, ZfsEntry> tmpl = zfs.get(layout.templates(), true, List.of("type", Props.STATE, Props.CURRENT));
        String prefix = layout.templates() + "/";
        for (ZfsEntry e : tmpl.values()) {
            if (e.isSnapshot() || !e.name().startsWith(prefix) || e.name().indexOf('/', prefix.length()) >= 0) {
                continue;
            }
            String template = e.leaf();
            List<TemplateCatalog.Build> list = catalog.builds(template);
            for (TemplateCatalog.Build b : list) {
                if (!b.ready()) {
                    builds.discard(template, b.id());
                    r.removedBuilds().add(template + "/" + b.id());
                    log.info("reconcile: destroyed half-built snapshot {}/{}", template, b.id());
                }
            }
            String current = e.get(Props.CURRENT);
            boolean currentOk = current != null && list.stream().anyMatch(b -> b.ready() && b.id().equals(current));
            if (!currentOk) {
                list.stream().filter(TemplateCatalog.Build::ready).findFirst().ifPresent(newest -> {
                    catalog.promote(template, newest.id());
                    r.repointedTemplates().add(template + "/" + newest.id());
                    log.info("reconcile: template {} pointed at {}; now at its newest ready snapshot {}", template, current, newest.id());
                });
            }
            try {
                catalog.applyRetention(template);
            } catch (RuntimeException ex) {
                log.warn("reconcile: retention of {} failed: {}", template, ex.getMessage());
            }
        }

        // 2. warm spares: whatever step an earlier agent left them at, they go (the pool is refilled after the start)
        clones.spares().removeAll();
        // 3. clones: half-made ones go, ready ones get their port and a running container
        Set<String> cloneIds = new HashSet<>();
        for (CloneRecord c : clones.records()) {
            if (!c.ready()) {
                clones.removeHalfMade(c);
                r.removedClones().add(c.id());
                log.info("reconcile: removed half-made clone {} (dataset, container, port {})", c.id(), c.port());
                continue;
            }
            cloneIds.add(c.id());
            if (!ports.reserve(c.port())) {
                log.warn("reconcile: clone {} holds port {}, which is outside agent.ports or taken twice", c.id(), c.port());
            }
        }
        Map<String, ContainerInfo> byClone = new java.util.HashMap<>();
        for (ContainerInfo c : all) {
            // twins of clones that are gone or not ready (those of ready clones are seen to below, after their clone's container)
            if (Layout.KIND_TWIN.equals(c.labels().get(Layout.LABEL_KIND)) && !cloneIds.contains(c.labels().get(Layout.LABEL_CLONE))) {
                containers.removeForce(c.id());
                r.removedContainers().add(c.name());
                log.info("reconcile: removed twin container {} (no ready clone '{}')", c.name(), c.labels().get(Layout.LABEL_CLONE));
            }
        }
        for (ContainerInfo c : all) {
            // a clone made from a spare runs the spare's container, renamed for the clone: the name tells whose it is
            String id = layout.cloneIdOfContainer(c.name()) != null ? layout.cloneIdOfContainer(c.name()) : c.labels().get(Layout.LABEL_CLONE);
            if (!Layout.KIND_CLONE.equals(c.labels().get(Layout.LABEL_KIND)) || id == null || Layout.isSpareKey(id)) {
                continue; // spares' containers went with the spares
            }
            if (!cloneIds.contains(id) || !c.name().equals(layout.cloneContainer(id))) {
                if (clones.find(id).map(CloneRecord::ready).orElse(false) && c.name().equals(layout.cloneContainer(id))) {
                    continue; // made ready meanwhile
                }
                containers.removeForce(c.id());
                r.removedContainers().add(c.name());
                log.info("reconcile: removed container {} (no clone dataset for '{}')", c.name(), id);
            } else {
                byClone.put(id, c);
            }
        }
        // destroyed clones whose dataset an earlier agent did not get to destroy (their containers went just above)
        for (String dataset : clones.destroying()) {
            try {
                clones.finishDestroy(dataset);
                r.removedClones().add(dataset.substring(dataset.lastIndexOf('/') + 1));
                log.info("reconcile: destroyed dataset {} of a destroyed clone", dataset);
            } catch (RuntimeException ex) {
                log.error("reconcile: cannot destroy dataset {} of a destroyed clone: {}", dataset, ex.getMessage());
            }
        }
        for (CloneRecord c : clones.records()) {
            if (!c.ready()) {
                continue;
            }
            if (c.resetting() != null && !c.resetting().isBlank()) {
                // an agent killed mid-reset: its server may be held down or serving data without the owner's role.
                // A second attempt when the first fails (a server slow to come back from its rollback's crash recovery)
                for (int attempt = 1; attempt <= RESET_ATTEMPTS; attempt++) {
                    try {
                        clones.finishInterruptedReset(c);
                        r.startedClones().add(c.id());
                        break;
                    } catch (RuntimeException ex) {
                        log.error("reconcile: cannot finish the interrupted reset of clone {} (attempt {} of {}): {}", c.id(), attempt,
                                RESET_ATTEMPTS, ex.getMessage());
                    }
                }
                continue;
            }
            ContainerInfo ci = byClone.get(c.id());
            if (ci == null || !ci.running()) {
                try {
                    clones.locks().with(c.id(), () -> clones.ensureContainer(c));
                    r.startedClones().add(c.id());
                    log.info("reconcile: clone {} had {} container; started it", c.id(), ci == null ? "no" : "a stopped");
                } catch (RuntimeException ex) {
                    log.error("reconcile: cannot start the container of clone {}: {}", c.id(), ex.getMessage());
                }
            } else {
                try {
                    if (clones.releaseIfHeld(c, ci)) {
                        r.startedClones().add(c.id());
                        log.info("reconcile: clone {} had its server held down by an agent killed before it marked a destroy;"
                                + " started it again on its data", c.id());
                    }
                } catch (RuntimeException ex) {
                    log.error("reconcile: cannot start the held-down server of clone {}: {}", c.id(), ex.getMessage());
                }
            }
            // its twin as dolly:serving says (started again when it serves), its standby prepared again in the background
            try {
                clones.container(c.id()).filter(ContainerInfo::running).ifPresent(primary -> clones.reconcileTwin(c, primary));
            } catch (RuntimeException ex) {
                log.error("reconcile: cannot restore the twin of clone {}: {}", c.id(), ex.getMessage());
            }
        }

        // 4. boot files of builds that never finished
        if (Files.isDirectory(config.workDir())) {
            try (Stream<Path> s = Files.list(config.workDir())) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith("boot." + layout.rootSlug() + "@")).toList()) {
                    try (Stream<Path> w = Files.walk(p)) {
                        for (Path x : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(x);
                        }
                    }
                }
            } catch (IOException e) {
                log.warn("reconcile: cannot clean {}: {}", config.workDir(), e.getMessage());
            }
        }
        if (r.changedAnything()) {
            log.info("reconcile: {}", r);
        } else {
            log.info("reconcile: pool and containers agree; nothing to repair");
        }
        return r;
    }
}
