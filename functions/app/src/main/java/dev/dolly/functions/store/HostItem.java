package dev.dolly.functions.store;

import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/**
 * A host agent as last seen by a heartbeat: pk {@code HOST#name}. {@code snapshots} lists
 * {@code template/snapshot} pairs it holds; {@code currentSnapshots} {@code template/snapshot} of each
 * template's current one.
 */
@DynamoDbBean
public class HostItem extends KindIndexedItem {
    private String name;
    private String url;
    private boolean healthy;
    private String connectHost;
    private long freeBytes;
    private long sizeBytes;
    private int clones;
    private Instant lastHeartbeat;
    private Instant lastSeenHealthy;
    private String error;
    private List<String> snapshots;
    private List<String> currentSnapshots;

    public static String pk(String name) { return "HOST#" + name; }

    public static HostItem create(String name) {
        HostItem h = new HostItem();
        h.setPk(pk(name));
        h.setSk("HOST");
        h.name = name;
        h.indexByKind("host", name);
        return h;
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public boolean isHealthy() { return healthy; }
    public void setHealthy(boolean healthy) { this.healthy = healthy; }
    public String getConnectHost() { return connectHost; }
    public void setConnectHost(String connectHost) { this.connectHost = connectHost; }
    public long getFreeBytes() { return freeBytes; }
    public void setFreeBytes(long freeBytes) { this.freeBytes = freeBytes; }
    public long getSizeBytes() { return sizeBytes; }
    public void setSizeBytes(long sizeBytes) { this.sizeBytes = sizeBytes; }
    public int getClones() { return clones; }
    public void setClones(int clones) { this.clones = clones; }
    public Instant getLastHeartbeat() { return lastHeartbeat; }
    public void setLastHeartbeat(Instant lastHeartbeat) { this.lastHeartbeat = lastHeartbeat; }
    public Instant getLastSeenHealthy() { return lastSeenHealthy; }
    public void setLastSeenHealthy(Instant lastSeenHealthy) { this.lastSeenHealthy = lastSeenHealthy; }
    public String getError() { return error; }
    public void setError(String error) { this.error = error; }
    public List<String> getSnapshots() { return snapshots; }
    public void setSnapshots(List<String> snapshots) { this.snapshots = snapshots; }
    public List<String> getCurrentSnapshots() { return currentSnapshots; }
    public void setCurrentSnapshots(List<String> currentSnapshots) { this.currentSnapshots = currentSnapshots; }

}
