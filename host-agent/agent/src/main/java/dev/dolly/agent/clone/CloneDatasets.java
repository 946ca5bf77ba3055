package dev.dolly.agent.clone;

import dev.dolly.agent.Layout;
import dev.dolly.agent.Props;
import dev.dolly.agent.zfs.Zfs;
import dev.dolly.agent.zfs.ZfsEntry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which dataset holds a clone. A clone made the ordinary way lives at {@code <root>/clones/<id>}; one made from a warm
 * spare keeps the spare's dataset ({@code <root>/clones/spare.<hex>}: zfs-fuse cannot rename a dataset a running
 * container has mounted) with its id in {@link Props#CLONE}. The aliases are read from the pool once, then kept up to
 * date by the agent (the only writer); the pool stays the only state.
 */
public final class CloneDatasets {
    private final Layout layout;
    private final Zfs zfs;
    private volatile Map<String, String> aliases;

    public CloneDatasets(Layout layout, Zfs zfs) {
        this.layout = layout;
        this.zfs = zfs;
    }

    /** The dataset of clone {@code id} (whether or not it exists). */
    public String of(String id) {
        return loaded().getOrDefault(id, layout.clone(id));
    }

    /** Clone {@code id} now lives in {@code dataset} (a spare taken). */
    public void alias(String id, String dataset) {
        loaded().put(id, dataset);
    }

    /** Clone {@code id} is gone. */
    public void forget(String id) {
        loaded().remove(id);
    }

    private Map<String, String> loaded() {
        Map<String, String> m = aliases;
        if (m == null) {
            synchronized (this) {
                m = aliases;
                if (m == null) {
                    m = new ConcurrentHashMap<>();
                    for (ZfsEntry e : zfs.get(layout.clones(), true, List.of(Props.CLONE, Props.STATE)).values()) {
                        String id = e.get(Props.CLONE);
                        if (!e.isSnapshot() && id != null && !id.isBlank() && Props.STATE_READY.equals(e.get(Props.STATE))) {
                            m.put(id, e.dataset());
                        }
                    }
                    aliases = m;
                }
            }
        }
        return m;
    }
}
