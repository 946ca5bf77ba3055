package dev.dolly.agent.http;

import dev.dolly.agent.api.RequestSigning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's replay memory, kept in a small file under its state ({@code <workDir>/replay-memory.<dataset root>}) so that a
 * request accepted before a restart is refused after it. One line per accepted signature,
 * {@code <expiry epoch seconds> <signature>}; entries live only until their timestamp leaves the 5-minute window,
 * and the file is rewritten without the expired ones whenever it has grown to twice the live entries (so it stays
 * bounded by the requests of one window). Appends are not fsynced: the memory survives a restart of the agent,
 * not a crash of the machine (which takes longer than the window to come back anyway).
 */
public final class FileReplayMemory implements RequestSigning.ReplayMemory {
    private static final Logger log = LoggerFactory.getLogger(FileReplayMemory.class);
    private static final Pattern LINE = Pattern.compile("([0-9]{1,12}) ([0-9a-f]{64})");
    private static final int MIN_COMPACT = 256;
    private final Path file;
    private final Map<String, Instant> live = new LinkedHashMap<>();
    private int lines;

    /** Opens the memory at {@code file}, keeping the entries that have not expired at {@code now}. */
    public FileReplayMemory(Path file, Instant now) {
        this.file = file;
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file)) {
                for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    var m = LINE.matcher(l.trim());
                    if (m.matches()) {
                        Instant expires = Instant.ofEpochSecond(Long.parseLong(m.group(1)));
                        if (!expires.isBefore(now)) {
                            live.put(m.group(2), expires);
                        }
                    }
                }
            }
            rewrite();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the replay memory " + file, e);
        }
    }

    @Override
    public synchronized boolean firstUse(String key, Instant now, Instant expiresAt) {
        forgetExpired(now);
        Instant old = live.get(key);
        if (old != null && !old.isBefore(now)) {
            return false;
        }
        live.put(key, expiresAt);
        try {
            if (lines >= MIN_COMPACT && lines >= 2 * live.size()) {
                rewrite();
            } else {
                Files.writeString(file, expiresAt.getEpochSecond() + " " + key + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
                lines++;
            }
        } catch (IOException e) {
            // refusing every request because the disk is full would take the API down: keep the entry in memory
            log.warn("replay memory {} not written ({}): replays are refused until the agent restarts", file, e.toString());
        }
        return true;
    }

    /** The number of live entries (for tests). */
    public synchronized int size() { return live.size(); }

    private void forgetExpired(Instant now) {
        for (Iterator<Instant> it = live.values().iterator(); it.hasNext(); ) {
            if (it.next().isBefore(now)) {
                it.remove();
            }
        }
    }

    private void rewrite() throws IOException {
        List<String> out = new ArrayList<>(live.size());
        live.forEach((k, v) -> out.add(v.getEpochSecond() + " " + k));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, out, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        lines = out.size();
    }
}
