package dev.dolly.agent.zfs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Pure functions from intent to {@code zfs} argv, limited to the subset zfs-fuse 0.7 and
 * OpenZFS 2.x share: {@code zfs get -Hp [-r] -o name,property,value,source} for parseable
 * values (no {@code zfs list -p}, no {@code -t} on get, no {@code written}), one property per
 * {@code zfs set}, {@code -o} on create and clone. Names are validated by the callers.
 */
public final class ZfsCommands {
    private final String zfs;

    public ZfsCommands(String zfsBinary) {
        this.zfs = zfsBinary;
    }

    public ZfsCommands() {
        this("zfs");
    }

    /** {@code zfs create -p [-o k=v]… <dataset>} */
    public List<String> create(String dataset, Map<String, String> properties) {
        List<String> a = new ArrayList<>(List.of(zfs, "create", "-p"));
        options(a, properties);
        a.add(dataset);
        return a;
    }

    /** {@code zfs clone [-o k=v]… <snapshot> <dataset>} */
    public List<String> clone(String snapshot, String dataset, Map<String, String> properties) {
        List<String> a = new ArrayList<>(List.of(zfs, "clone"));
        options(a, properties);
        a.add(snapshot);
        a.add(dataset);
        return a;
    }

    /** {@code zfs snapshot <dataset>@<name>} */
    public List<String> snapshot(String snapshot) {
        return List.of(zfs, "snapshot", snapshot);
    }

    /**
     * {@code zfs rollback -r <dataset>@<name>}: {@code -r} because ZFS rolls back only to the
     * newest snapshot otherwise; snapshots newer than the target are destroyed.
     */
    public List<String> rollback(String snapshot) {
        return List.of(zfs, "rollback", "-r", snapshot);
    }

    /** {@code zfs destroy -r <dataset>} (the dataset and its snapshots; never {@code -R}: dependent clones must block it). */
    public List<String> destroyRecursive(String dataset) {
        return List.of(zfs, "destroy", "-r", dataset);
    }

    /** {@code zfs destroy <dataset-or-snapshot>} */
    public List<String> destroy(String name) {
        return List.of(zfs, "destroy", name);
    }

    /** {@code zfs set <k>=<v> <dataset>}: zfs-fuse takes one property per call. */
    public List<String> set(String dataset, String property, String value) {
        return List.of(zfs, "set", property + "=" + value, dataset);
    }

    /** {@code zfs inherit <k> <dataset>}: removes a user property. */
    public List<String> inherit(String dataset, String property) {
        return List.of(zfs, "inherit", property, dataset);
    }

    /** {@code zfs get -Hp [-r] -o name,property,value,source <p1,p2,…> <dataset>} */
    public List<String> get(String dataset, boolean recursive, Collection<String> properties) {
        List<String> a = new ArrayList<>(List.of(zfs, "get", "-Hp"));
        if (recursive) {
            a.add("-r");
        }
        a.add("-o");
        a.add("name,property,value,source");
        a.add(String.join(",", properties));
        a.add(dataset);
        return a;
    }

    private static void options(List<String> a, Map<String, String> properties) {
        properties.forEach((k, v) -> {
            a.add("-o");
            a.add(k + "=" + v);
        });
    }
}
