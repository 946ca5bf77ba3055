package dev.dolly.agent.zfs;

import dev.dolly.agent.process.ProcessFailedException;
import java.util.Locale;

/** A failed zfs command, classified from its stderr so callers can react (retry, map to an error code). */
public class ZfsException extends RuntimeException {
    public enum Kind { NOT_FOUND, EXISTS, NO_SPACE, BUSY, HAS_DEPENDENTS, OTHER }

    private final Kind kind;
    private final String stderr;

    public ZfsException(Kind kind, String message, String stderr, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.stderr = stderr;
    }

    public Kind kind() { return kind; }

    public String stderr() { return stderr; }

    static ZfsException from(ProcessFailedException e) {
        String err = e.stderr() == null ? "" : e.stderr();
        return new ZfsException(classify(err), e.getMessage(), err, e);
    }

    static Kind classify(String stderr) {
        String s = stderr.toLowerCase(Locale.ROOT);
        if (s.contains("does not exist") || s.contains("no such pool") || s.contains("could not find any snapshots")) {
            return Kind.NOT_FOUND;
        }
        if (s.contains("already exists")) {
            return Kind.EXISTS;
        }
        if (s.contains("out of space") || s.contains("no space left") || s.contains("quota exceeded") || s.contains("disk quota")) {
            return Kind.NO_SPACE;
        }
        if (s.contains("dataset is busy") || s.contains("device busy") || s.contains("resource busy")) {
            return Kind.BUSY;
        }
        if (s.contains("dependent clones") || s.contains("has children") || s.contains("more recent snapshots")) {
            return Kind.HAS_DEPENDENTS;
        }
        return Kind.OTHER;
    }
}
