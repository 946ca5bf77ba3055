package dev.dolly.agent;

import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.zfs.Zfs;
import dev.dolly.agent.zfs.ZfsEntry;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The pool's reserve: creates, savepoints and refreshes must leave {@code agent.poolReserve} of the
 * dataset root's size (plus {@code agent.minFree}) available, so one owner filling the pool cannot
 * make every other clone and refresh on the host fail. A refusal says how full the pool is and
 * which clones take the most.
 */
public final class PoolReserve {
    private final AgentConfig config;
    private final Layout layout;
    private final Zfs zfs;

    public PoolReserve(AgentConfig config, Layout layout, Zfs zfs) {
        this.config = config;
        this.layout = layout;
        this.zfs = zfs;
    }

    /** Bytes that must stay available under the dataset root. */
    public long reserveBytes(Zfs.Space space) {
        return Math.max(config.minFreeBytes(), (long) (space.sizeBytes() * config.isolation().poolReserve()));
    }

    /** True when the dataset root has no more than its reserve available. */
    public boolean exhausted() {
        try {
            Zfs.Space s = zfs.space(layout.root());
            return s.availableBytes() <= reserveBytes(s);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Refuses {@code what} (e.g. "a new clone") with POOL_FULL when the pool is into its reserve. */
    public void check(String what) {
        Zfs.Space s = zfs.space(layout.root());
        long reserve = reserveBytes(s);
        if (s.availableBytes() > reserve) {
            return;
        }
        throw new AgentException(ErrorCode.POOL_FULL, describe(s, reserve) + ": refusing " + what + "; destroy clones or old snapshots"
                + " that are no longer needed" + largestClones() + ", delete savepoints, or grow the pool");
    }

    /** "the pool is 93% full (7.3 GiB used, 0.5 GiB available, 0.8 GiB kept in reserve …)". */
    public String describe(Zfs.Space s, long reserve) {
        long size = Math.max(1, s.sizeBytes());
        return "the pool " + layout.root() + " is " + (100 * s.usedBytes() / size) + "% full (" + gib(s.usedBytes()) + " used, "
                + gib(s.availableBytes()) + " available, " + gib(reserve) + " kept in reserve by agent.poolReserve "
                + Math.round(config.isolation().poolReserve() * 100) + "%)";
    }

    private String largestClones() {
        try {
            String prefix = layout.clones() + "/";
            List<ZfsEntry> top = zfs.get(layout.clones(), true, List.of("used")).values().stream()
                    .filter(e -> !e.isSnapshot() && e.dataset().startsWith(prefix) && e.dataset().indexOf('/', prefix.length()) < 0)
                    .sorted(Comparator.comparingLong((ZfsEntry e) -> e.getLong("used", 0)).reversed())
                    .limit(5).toList();
            return top.isEmpty() ? "" : " (largest clones: " + top.stream().map(e -> e.leaf() + " " + gib(e.getLong("used", 0)))
                    .collect(Collectors.joining(", ")) + ")";
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static String gib(long b) {
        return String.format(java.util.Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
    }
}
