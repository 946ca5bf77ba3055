package dev.dolly.agent.zfs;

import dev.dolly.agent.process.ProcessFailedException;
import dev.dolly.agent.process.ProcessRunner;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ZFS driver: {@link ZfsCommands} argv run through the one {@link ProcessRunner}, output
 * parsed, failures classified ({@link ZfsException.Kind}). {@code zfs destroy} and
 * {@code zfs rollback} are retried while zfs says "dataset is busy" (it does for a moment
 * after a container stops).
 */
public class Zfs {
    private static final Logger log = LoggerFactory.getLogger(Zfs.class);
    private final ProcessRunner runner;
    private final ZfsCommands commands;
    private final Duration busyRetry;
    /**
     * At most two {@code zfs clone}/{@code zfs destroy} at a time: a burst of concurrent ones (20 creates at once)
     * wedges zfs-fuse; queued, they finish sooner.
     */
    private final java.util.concurrent.Semaphore heavy = new java.util.concurrent.Semaphore(2, true);

    public Zfs(ProcessRunner runner, ZfsCommands commands, Duration busyRetry) {
        this.runner = runner;
        this.commands = commands;
        this.busyRetry = busyRetry;
    }

    public Zfs(ProcessRunner runner) {
        this(runner, new ZfsCommands(), Duration.ofSeconds(15));
    }

    public ZfsCommands commands() {
        return commands;
    }

    public void create(String dataset, Map<String, String> properties) {
        run(commands.create(dataset, properties));
    }

    public void clone(String snapshot, String dataset, Map<String, String> properties) {
        heavy.acquireUninterruptibly();
        try {
            run(commands.clone(snapshot, dataset, properties));
        } finally {
            heavy.release();
        }
    }

    public void snapshot(String snapshot) {
        run(commands.snapshot(snapshot));
    }

    public void rollback(String snapshot) {
        retryWhileBusy(commands.rollback(snapshot));
    }

    /** Destroys a dataset and its snapshots; retried while busy; a dataset that is already gone is fine. */
    public void destroyRecursive(String dataset) {
        heavy.acquireUninterruptibly();
        try {
            retryWhileBusy(commands.destroyRecursive(dataset));
        } catch (ZfsException e) {
            if (e.kind() != ZfsException.Kind.NOT_FOUND) {
                throw e;
            }
        } finally {
            heavy.release();
        }
    }

    /** Destroys one snapshot (or childless dataset); retried while busy. */
    public void destroy(String name) {
        retryWhileBusy(commands.destroy(name));
    }

    public void set(String dataset, String property, String value) {
        run(commands.set(dataset, property, value));
    }

    public void inherit(String dataset, String property) {
        run(commands.inherit(dataset, property));
    }

    /**
     * {@code zfs get} of the given properties on a dataset (and, when recursive, everything under
     * it, snapshots included), keyed by name in zfs' order. Empty when the dataset does not exist.
     */
    public Map<String, ZfsEntry> get(String dataset, boolean recursive, Collection<String> properties) {
        String out;
        try {
            out = run(commands.get(dataset, recursive, properties));
        } catch (ZfsException e) {
            if (e.kind() == ZfsException.Kind.NOT_FOUND) {
                return Map.of();
            }
            throw e;
        }
        return parseGet(out);
    }

    public Optional<ZfsEntry> get(String dataset, Collection<String> properties) {
        return Optional.ofNullable(get(dataset, false, properties).get(dataset));
    }

    public boolean exists(String dataset) {
        return get(dataset, List.of("type")).isPresent();
    }

    /** Bytes used and available under a dataset (available honours quotas). */
    public Space space(String dataset) {
        ZfsEntry e = get(dataset, List.of("used", "available"))
                .orElseThrow(() -> new ZfsException(ZfsException.Kind.NOT_FOUND, "dataset " + dataset + " does not exist", "", null));
        return new Space(e.getLong("used", 0), e.getLong("available", 0));
    }

    public record Space(long usedBytes, long availableBytes) {
        public long sizeBytes() {
            return usedBytes + availableBytes;
        }
    }

    /** Parses {@code -H -o name,property,value,source} lines; user properties count only when set locally. */
    static Map<String, ZfsEntry> parseGet(String out) {
        Map<String, Map<String, String>> props = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length < 3) {
                continue;
            }
            String name = f[0];
            String property = f[1];
            String value = f[2];
            String source = f.length > 3 ? f[3] : "-";
            Map<String, String> m = props.computeIfAbsent(name, k -> new TreeMap<>());
            boolean user = property.indexOf(':') >= 0;
            if (user) {
                if (source.equals("local") || source.equals("received")) {
                    m.put(property, value);
                }
            } else if (!value.equals("-")) {
                m.put(property, value);
            }
        }
        Map<String, ZfsEntry> entries = new LinkedHashMap<>();
        props.forEach((name, m) -> entries.put(name, new ZfsEntry(name, Map.copyOf(m))));
        return entries;
    }

    private void retryWhileBusy(List<String> argv) {
        long deadline = System.nanoTime() + busyRetry.toNanos();
        long pause = 25;
        while (true) {
            try {
                run(argv);
                return;
            } catch (ZfsException e) {
                if (e.kind() != ZfsException.Kind.BUSY || System.nanoTime() > deadline) {
                    throw e;
                }
                log.debug("{}: busy, retrying in {} ms", argv, pause);
                sleep(pause);
                pause = Math.min(pause * 2, 400);
            }
        }
    }

    private String run(List<String> argv) {
        try {
            return runner.run(argv).stdout();
        } catch (ProcessFailedException e) {
            throw ZfsException.from(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ZfsException(ZfsException.Kind.OTHER, "interrupted while waiting for a busy dataset", "", e);
        }
    }
}
