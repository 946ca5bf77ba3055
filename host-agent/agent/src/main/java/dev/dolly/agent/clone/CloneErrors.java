package dev.dolly.agent.clone;

import dev.dolly.agent.PoolReserve;
import dev.dolly.agent.AgentException;
import dev.dolly.agent.Layout;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.zfs.Zfs;
import dev.dolly.agent.zfs.ZfsException;
import java.sql.SQLException;

/** The errors clone operations answer: unknown names, a full pool, and failures mapped to an error code. */
final class CloneErrors {
    private final AgentConfig config;
    private final Layout layout;
    private final Zfs zfs;

    CloneErrors(AgentConfig config, Layout layout, Zfs zfs) {
        this.config = config;
        this.layout = layout;
        this.zfs = zfs;
    }

    AgentException unknownTemplate(String template) {
        return new AgentException(ErrorCode.UNKNOWN_TEMPLATE, "template '" + template + "' is not configured on this host; known: "
                + String.join(", ", new java.util.TreeSet<>(config.templates().keySet())));
    }

    static AgentException unknownSavepoint(String id, String savepoint) {
        return new AgentException(ErrorCode.UNKNOWN_SAVEPOINT, "clone '" + id + "' has no savepoint '" + savepoint
                + "': list them with GET /v1/clones/" + id + "/savepoints");
    }

    AgentException poolFull(Zfs.Space space, Throwable cause) {
        PoolReserve r = new PoolReserve(config, layout, zfs);
        return new AgentException(ErrorCode.POOL_FULL, r.describe(space, r.reserveBytes(space))
                + "; destroy clones or old snapshots, or grow the pool", cause);
    }

    /** Maps a failure to an error code; a failure while the pool is (nearly) full is reported as POOL_FULL. */
    AgentException translate(String what, Exception e) {
        if (e instanceof AgentException a && a.code() != ErrorCode.CONTAINER_FAILED && a.code() != ErrorCode.INTERNAL) {
            return a;
        }
        boolean noSpace = e instanceof ZfsException z && z.kind() == ZfsException.Kind.NO_SPACE;
        try {
            Zfs.Space space = zfs.space(layout.root());
            if (noSpace || space.availableBytes() < config.minFreeBytes()) {
                return poolFull(space, e);
            }
        } catch (RuntimeException ignored) {
            // fall through
        }
        if (e instanceof AgentException a) {
            return a;
        }
        if (e instanceof SQLException) {
            return new AgentException(ErrorCode.CONTAINER_FAILED, what + ": " + e.getMessage(), e);
        }
        if (e instanceof com.github.dockerjava.api.exception.DockerException) {
            return new AgentException(ErrorCode.CONTAINER_FAILED, what + ": docker: " + e.getMessage().strip(), e);
        }
        return new AgentException(ErrorCode.INTERNAL, what + " failed: " + e.getMessage(), e);
    }
}
