package dev.dolly.agent.check;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.api.ResetRequest;
import dev.dolly.agent.api.SavepointRequest;
import dev.dolly.agent.clone.CloneRecord;
import dev.dolly.agent.clone.CloneService;
import dev.dolly.agent.docker.ContainerInfo;
import dev.dolly.agent.docker.Containers;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/** {@link CloneAccess} through the agent's clone service: savepoints and resets as the API does them, logs from docker. */
public final class ClonesAccess implements CloneAccess {
    private final CloneService clones;
    private final Containers containers;
    private final String id;

    private ClonesAccess(CloneService clones, Containers containers, String id) {
        this.clones = clones;
        this.containers = containers;
        this.id = id;
    }

    /** Access to clone {@code id}; UNKNOWN_CLONE when there is none, CONFLICT when it is not ready. */
    public static ClonesAccess of(CloneService clones, Containers containers, String id) {
        CloneRecord c = clones.find(id).orElseThrow(() -> new AgentException(ErrorCode.UNKNOWN_CLONE,
                "no clone '" + id + "' on this host: create one first (POST /v1/clones)"));
        if (!c.ready()) {
            throw new AgentException(ErrorCode.CONFLICT, "clone '" + id + "' is still being created: try again in a moment");
        }
        return new ClonesAccess(clones, containers, id);
    }

    @Override
    public String cloneId() {
        return id;
    }

    @Override
    public String ownerRole() {
        return record().user();
    }

    private CloneRecord record() {
        return clones.find(id).orElseThrow(() -> new AgentException(ErrorCode.UNKNOWN_CLONE, "clone '" + id + "' is gone"));
    }

    @Override
    public Connection connect() throws SQLException {
        CloneRecord c = record();
        Connection conn = clones.connectAsAgent(c, c.database(), 0);
        conn.setAutoCommit(true);
        return conn;
    }

    @Override
    public void savepoint(String name) {
        clones.savepoint(id, new SavepointRequest(name));
    }

    @Override
    public void rollbackTo(String name) {
        clones.reset(id, new ResetRequest(name));
    }

    @Override
    public void deleteSavepoint(String name) {
        clones.deleteSavepoint(id, name);
    }

    @Override
    public void deleteStaleSavepoint(String name) {
        if (record().hasSavepoint(name)) {
            clones.deleteSavepoint(id, name);
        }
    }

    @Override
    public String serverLog(Instant since) {
        return clones.container(id).map(ContainerInfo::id).map(cid -> containers.logSince(cid, (int) since.getEpochSecond())).orElse("");
    }
}
