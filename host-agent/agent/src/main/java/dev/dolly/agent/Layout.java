package dev.dolly.agent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where things live under the dataset root ({@code agent.pool}), and what containers are called
 * and labelled:
 * <pre>
 * &lt;root&gt;/templates/&lt;template&gt;               dolly:current=&lt;build-id&gt;
 * &lt;root&gt;/templates/&lt;template&gt;/&lt;build-id&gt;    one dataset per build; @ready once cleanly shut down
 * &lt;root&gt;/clones/&lt;clone-id&gt;                  zfs clone of a @ready; @created, @sp-&lt;savepoint&gt;
 * </pre>
 */
public final class Layout {
    public static final String READY = "ready";
    public static final String CREATED = "created";
    public static final String SAVEPOINT_PREFIX = "sp-";
    public static final String SPARE_PREFIX = "spare.";

    public static final String LABEL_ROOT = "dolly.root";
    public static final String LABEL_KIND = "dolly.kind";
    public static final String LABEL_CLONE = "dolly.clone";
    public static final String LABEL_TEMPLATE = "dolly.template";
    public static final String LABEL_SNAPSHOT = "dolly.snapshot";
    public static final String LABEL_BUILD = "dolly.build";
    public static final String LABEL_OWNER = "dolly.owner";
    public static final String LABEL_PORT = "dolly.port";
    /** on clone containers whose PostgreSQL runs under the supervisor (restartable in place). */
    public static final String LABEL_SUPERVISED = "dolly.supervised";
    public static final String KIND_CLONE = "clone";
    public static final String KIND_BUILD = "build";
    public static final String KIND_INIT = "initdb";
    /** A short-lived source tool run (pg_dump, pg_dumpall of the template's major). */
    public static final String KIND_TOOL = "tool";
    /** The second server of a clone, in the clone container's network namespace ({@code dev.dolly.agent.clone.Twins}). */
    public static final String KIND_TWIN = "twin";

    private final String root;

    public Layout(String root) {
        this.root = Names.datasetRoot(root);
    }

    public String root() { return root; }

    public String templates() { return root + "/templates"; }

    public String template(String template) { return templates() + "/" + template; }

    public String build(String template, String buildId) { return template(template) + "/" + buildId; }

    public String readySnapshot(String template, String buildId) { return build(template, buildId) + "@" + READY; }

    public String clones() { return root + "/clones"; }

    public String clone(String cloneId) { return clones() + "/" + cloneId; }

    public String createdSnapshot(String cloneId) { return clone(cloneId) + "@" + CREATED; }

    public String savepointSnapshot(String cloneId, String savepoint) { return clone(cloneId) + "@" + SAVEPOINT_PREFIX + savepoint; }

    /** The {@code @created} snapshot of a clone's dataset (a clone made from a spare keeps the spare's dataset name). */
    public static String createdOf(String dataset) { return dataset + "@" + CREATED; }

    /** The snapshot of savepoint {@code savepoint} of a clone's dataset. */
    public static String savepointOf(String dataset, String savepoint) { return dataset + "@" + SAVEPOINT_PREFIX + savepoint; }

    /**
     * A warm spare's name ({@code spare.<hex>}): its dataset is {@code <root>/clones/spare.<hex>}, and a clone made from it
     * keeps that dataset (its id in {@link Props#CLONE}). The dot keeps it apart from every clone id.
     */
    public static String spareKey(String hex) { return SPARE_PREFIX + hex; }

    public static boolean isSpareKey(String name) { return name != null && name.startsWith(SPARE_PREFIX); }

    /** The container of spare {@code key} until a create takes it (then it is renamed {@link #cloneContainer}). */
    public String spareContainer(String key) { return rootSlug() + "." + key; }

    /** The clone id a container's name gives ({@link #cloneContainer}), or null. */
    public String cloneIdOfContainer(String containerName) {
        String prefix = rootSlug() + ".clone.";
        return containerName != null && containerName.startsWith(prefix) ? containerName.substring(prefix.length()) : null;
    }

    /** A docker-safe form of the root: {@code dolly/it-3fa2} becomes {@code dolly.it-3fa2}. */
    public String rootSlug() {
        return root.replace('/', '.').replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    public String cloneContainer(String cloneId) { return rootSlug() + ".clone." + cloneId; }

    /** The container of clone {@code cloneId}'s twin (joined to the clone container's network namespace). */
    public String twinContainer(String cloneId) { return rootSlug() + ".twin." + cloneId; }

    /** The twin dataset of a clone's dataset: a child, so {@code zfs destroy -r} of the clone takes it along. */
    public static String twinOf(String cloneDataset) { return cloneDataset + "/" + TWIN; }

    /** Leaf name of a clone's twin dataset. */
    public static final String TWIN = "twin";

    public String buildContainer(String template, String buildId) { return rootSlug() + ".build." + template + "." + buildId; }

    public String toolContainer(String runId) { return rootSlug() + ".tool." + runId; }

    public String initContainer(String template, String buildId) { return rootSlug() + ".initdb." + template + "." + buildId; }

    /** Labels every container under this root carries. */
    public Map<String, String> labels(String kind) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(LABEL_ROOT, root);
        m.put(LABEL_KIND, kind);
        return m;
    }
}
