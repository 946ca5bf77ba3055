package dev.dolly.functions.store;

import dev.dolly.control.api.CloneState;
import java.time.Instant;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSecondaryPartitionKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSecondarySortKey;

/** A clone: pk {@code CLONE#id}, sk {@code CLONE}; indexed by owner (gsi1) and kind (gsi2). */
@DynamoDbBean
public class CloneItem extends KindIndexedItem {
    private String id;
    private CloneState state;
    private String template;
    private String snapshot;
    private Instant snapshotCreatedAt;
    private Integer postgres;
    private String owner;
    private String hostName;
    private String connectHost;
    private int port;
    private String database;
    private String user;
    private Instant createdAt;
    private Instant expiresAt;
    private boolean protectedClone;
    private Instant lastActivityAt;
    private Instant stateSince;
    private String failure;
    private boolean ghost;
    private Instant warnedFor;
    private String front;
    private String gsi1pk;
    private String gsi1sk;

    public static String pk(String id) { return "CLONE#" + id; }

    public static CloneItem create(String id, String ownerKey) {
        CloneItem c = new CloneItem();
        c.setPk(pk(id));
        c.setSk("CLONE");
        c.id = id;
        c.owner = ownerKey;
        c.gsi1pk = "OWNER#" + ownerKey;
        c.gsi1sk = "CLONE#" + id;
        c.indexByKind("clone", id);
        return c;
    }

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public CloneState getState() { return state; }
    public void setState(CloneState state) { this.state = state; }
    public String getTemplate() { return template; }
    public void setTemplate(String template) { this.template = template; }
    public String getSnapshot() { return snapshot; }
    public void setSnapshot(String snapshot) { this.snapshot = snapshot; }
    public Instant getSnapshotCreatedAt() { return snapshotCreatedAt; }
    public void setSnapshotCreatedAt(Instant snapshotCreatedAt) { this.snapshotCreatedAt = snapshotCreatedAt; }
    /** PostgreSQL major the clone runs (null: not reported). */
    public Integer getPostgres() { return postgres; }
    public void setPostgres(Integer postgres) { this.postgres = postgres; }
    public String getOwner() { return owner; }
    public void setOwner(String owner) { this.owner = owner; }
    /** The host agent (placement) the clone lives on. */
    public String getHostName() { return hostName; }
    public void setHostName(String hostName) { this.hostName = hostName; }
    /** The host name clients connect to (the agent's advertised host). */
    public String getConnectHost() { return connectHost; }
    public void setConnectHost(String connectHost) { this.connectHost = connectHost; }
    public int getPort() { return port; }
    public void setPort(int port) { this.port = port; }
    public String getDatabase() { return database; }
    public void setDatabase(String database) { this.database = database; }
    public String getUser() { return user; }
    public void setUser(String user) { this.user = user; }
    public Instant getCreatedAt() { return createdAt; }
    public void setCreatedAt(Instant createdAt) { this.createdAt = createdAt; }
    public Instant getExpiresAt() { return expiresAt; }
    public void setExpiresAt(Instant expiresAt) { this.expiresAt = expiresAt; }
    public boolean isProtectedClone() { return protectedClone; }
    public void setProtectedClone(boolean protectedClone) { this.protectedClone = protectedClone; }
    public Instant getLastActivityAt() { return lastActivityAt; }
    public void setLastActivityAt(Instant lastActivityAt) { this.lastActivityAt = lastActivityAt; }
    /** When the clone entered its current state (stuck transitional states are repaired by the reaper). */
    public Instant getStateSince() { return stateSince; }
    public void setStateSince(Instant stateSince) { this.stateSince = stateSince; }
    public String getFailure() { return failure; }
    public void setFailure(String failure) { this.failure = failure; }
    /** Recorded here but missing on its host (found by reconciliation). */
    public boolean isGhost() { return ghost; }
    public void setGhost(boolean ghost) { this.ghost = ghost; }
    /** The expiry time the owner was last warned about (so each expiry is warned about once). */
    public Instant getWarnedFor() { return warnedFor; }
    public void setWarnedFor(Instant warnedFor) { this.warnedFor = warnedFor; }
    public String getFront() { return front; }
    public void setFront(String front) { this.front = front; }

    @DynamoDbSecondaryPartitionKey(indexNames = "gsi1")
    public String getGsi1pk() { return gsi1pk; }
    public void setGsi1pk(String gsi1pk) { this.gsi1pk = gsi1pk; }
    @DynamoDbSecondarySortKey(indexNames = "gsi1")
    public String getGsi1sk() { return gsi1sk; }
    public void setGsi1sk(String gsi1sk) { this.gsi1sk = gsi1sk; }
}
