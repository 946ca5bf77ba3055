package dev.dolly.functions.store;

import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/**
 * A ready snapshot of a template as hosts last reported it: pk {@code TEMPLATE#name}, sk
 * {@code SNAPSHOT#id}; which hosts hold it, its size, and how many clones depend on it.
 */
@DynamoDbBean
public class SnapshotItem extends BaseItem {
    private String template;
    private String id;
    private Instant createdAt;
    private long sizeBytes;
    private boolean current;
    private int clones;
    private List<String> hosts;
    private Instant seenAt;

    public static SnapshotItem create(String template, String id) {
        SnapshotItem s = new SnapshotItem();
        s.setPk(TemplateItem.pk(template));
        s.setSk("SNAPSHOT#" + id);
        s.template = template;
        s.id = id;
        return s;
    }

    public String getTemplate() { return template; }
    public void setTemplate(String template) { this.template = template; }
    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public Instant getCreatedAt() { return createdAt; }
    public void setCreatedAt(Instant createdAt) { this.createdAt = createdAt; }
    public long getSizeBytes() { return sizeBytes; }
    public void setSizeBytes(long sizeBytes) { this.sizeBytes = sizeBytes; }
    public boolean isCurrent() { return current; }
    public void setCurrent(boolean current) { this.current = current; }
    public int getClones() { return clones; }
    public void setClones(int clones) { this.clones = clones; }
    public List<String> getHosts() { return hosts; }
    public void setHosts(List<String> hosts) { this.hosts = hosts; }
    public Instant getSeenAt() { return seenAt; }
    public void setSeenAt(Instant seenAt) { this.seenAt = seenAt; }
}
