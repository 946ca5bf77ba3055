package dev.dolly.functions.store;

import java.time.Instant;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/**
 * A migration check (issue 14): pk {@code CHECK#<id>}, sk {@code CHECK}; which clone on which host it ran on, who asked
 * for what, how it stands and ended, its durations and (once DONE) its report as the CI webhook answers it. Listed
 * through gsi2 ({@code KIND#check}, by id) while it is open (a sparse index: {@link #closeIndex} when it ends); DynamoDB
 * deletes it by TTL {@link #RETAINED_DAYS} days after it started.
 */
@DynamoDbBean
public class CheckItem extends KindIndexedItem {
    public static final int RETAINED_DAYS = 30;
    private String id;
    private String mode;
    private String cloneId;
    private String hostName;
    private String principal;
    private String front;
    private String template;
    private String snapshot;
    private String state;
    private String verdict;
    private boolean keep;
    private Instant startedAt;
    private Instant finishedAt;
    private Long cloneMs;
    private Long durationMs;
    private Long totalMs;
    private Integer findings;
    private String error;
    private String channel;
    private String report;
    private Long expiresAtEpoch;

    public static String pk(String id) { return "CHECK#" + id; }

    public static CheckItem create(String id, String mode, String principal, String front, String template, boolean keep, Instant now) {
        CheckItem c = new CheckItem();
        c.setPk(pk(id));
        c.setSk("CHECK");
        c.id = id;
        c.mode = mode;
        c.principal = principal;
        c.front = front;
        c.template = template;
        c.keep = keep;
        c.startedAt = now;
        c.state = "CLONING";
        c.expiresAtEpoch = now.plusSeconds(RETAINED_DAYS * 86_400L).getEpochSecond();
        c.indexByKind("check", id);
        return c;
    }

    /** Takes an ended check out of the open checks' index. */
    public void closeIndex() {
        setGsi2pk(null);
        setGsi2sk(null);
    }

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    /** {@code files} or {@code observe}. */
    public String getMode() { return mode; }
    public void setMode(String mode) { this.mode = mode; }
    public String getCloneId() { return cloneId; }
    public void setCloneId(String cloneId) { this.cloneId = cloneId; }
    public String getHostName() { return hostName; }
    public void setHostName(String hostName) { this.hostName = hostName; }
    /** The asking principal's key ({@code ci:<key>}, {@code slack:<user>}). */
    public String getPrincipal() { return principal; }
    public void setPrincipal(String principal) { this.principal = principal; }
    public String getFront() { return front; }
    public void setFront(String front) { this.front = front; }
    public String getTemplate() { return template; }
    public void setTemplate(String template) { this.template = template; }
    public String getSnapshot() { return snapshot; }
    public void setSnapshot(String snapshot) { this.snapshot = snapshot; }
    /** CLONING, RUNNING, OBSERVING, DONE, FAILED. */
    public String getState() { return state; }
    public void setState(String state) { this.state = state; }
    public String getVerdict() { return verdict; }
    public void setVerdict(String verdict) { this.verdict = verdict; }
    public boolean isKeep() { return keep; }
    public void setKeep(boolean keep) { this.keep = keep; }
    public Instant getStartedAt() { return startedAt; }
    public void setStartedAt(Instant startedAt) { this.startedAt = startedAt; }
    public Instant getFinishedAt() { return finishedAt; }
    public void setFinishedAt(Instant finishedAt) { this.finishedAt = finishedAt; }
    public Long getCloneMs() { return cloneMs; }
    public void setCloneMs(Long cloneMs) { this.cloneMs = cloneMs; }
    public Long getDurationMs() { return durationMs; }
    public void setDurationMs(Long durationMs) { this.durationMs = durationMs; }
    public Long getTotalMs() { return totalMs; }
    public void setTotalMs(Long totalMs) { this.totalMs = totalMs; }
    public Integer getFindings() { return findings; }
    public void setFindings(Integer findings) { this.findings = findings; }
    public String getError() { return error; }
    public void setError(String error) { this.error = error; }
    /** The Slack channel its card goes to (null: the template's). */
    public String getChannel() { return channel; }
    public void setChannel(String channel) { this.channel = channel; }
    /** The report as the CI webhook answers it (JSON), once DONE. */
    public String getReport() { return report; }
    public void setReport(String report) { this.report = report; }

    @DynamoDbAttribute(dev.dolly.control.api.TableSchema.TTL_ATTRIBUTE)
    public Long getExpiresAtEpoch() { return expiresAtEpoch; }
    public void setExpiresAtEpoch(Long expiresAtEpoch) { this.expiresAtEpoch = expiresAtEpoch; }
}
