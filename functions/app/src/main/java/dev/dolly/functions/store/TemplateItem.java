package dev.dolly.functions.store;

import java.time.Instant;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/**
 * A template's runtime state: pk {@code TEMPLATE#name}, sk {@code TEMPLATE}: its current snapshot and
 * the refresh running for it (one at a time), with the latest progress.
 */
@DynamoDbBean
public class TemplateItem extends KindIndexedItem {
    private String name;
    private String currentSnapshot;
    private Instant currentSnapshotAt;
    /** PostgreSQL major of the current snapshot (null: not reported yet). */
    private Integer postgres;
    /** Summary of the upgrade report of the refresh that made the current snapshot (null: not an upgrade rehearsal). */
    private String upgrade;
    private String refreshJob;
    private String refreshHost;
    private String refreshState;
    private String refreshPhase;
    private int tablesDone;
    private int tablesTotal;
    private long rowsCopied;
    private Long etaSeconds;
    private String refreshError;
    private String refreshSnapshot;
    private Instant refreshStartedAt;
    private Instant refreshUpdatedAt;
    private String requestedBy;

    public static String pk(String name) { return "TEMPLATE#" + name; }

    public static TemplateItem create(String name) {
        TemplateItem t = new TemplateItem();
        t.setPk(pk(name));
        t.setSk("TEMPLATE");
        t.name = name;
        t.indexByKind("template", name);
        return t;
    }

    public boolean refreshRunning() { return "RUNNING".equals(refreshState); }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getCurrentSnapshot() { return currentSnapshot; }
    public void setCurrentSnapshot(String currentSnapshot) { this.currentSnapshot = currentSnapshot; }
    public Instant getCurrentSnapshotAt() { return currentSnapshotAt; }
    public void setCurrentSnapshotAt(Instant currentSnapshotAt) { this.currentSnapshotAt = currentSnapshotAt; }
    public Integer getPostgres() { return postgres; }
    public void setPostgres(Integer postgres) { this.postgres = postgres; }
    public String getUpgrade() { return upgrade; }
    public void setUpgrade(String upgrade) { this.upgrade = upgrade; }
    public String getRefreshJob() { return refreshJob; }
    public void setRefreshJob(String refreshJob) { this.refreshJob = refreshJob; }
    public String getRefreshHost() { return refreshHost; }
    public void setRefreshHost(String refreshHost) { this.refreshHost = refreshHost; }
    public String getRefreshState() { return refreshState; }
    public void setRefreshState(String refreshState) { this.refreshState = refreshState; }
    public String getRefreshPhase() { return refreshPhase; }
    public void setRefreshPhase(String refreshPhase) { this.refreshPhase = refreshPhase; }
    public int getTablesDone() { return tablesDone; }
    public void setTablesDone(int tablesDone) { this.tablesDone = tablesDone; }
    public int getTablesTotal() { return tablesTotal; }
    public void setTablesTotal(int tablesTotal) { this.tablesTotal = tablesTotal; }
    public long getRowsCopied() { return rowsCopied; }
    public void setRowsCopied(long rowsCopied) { this.rowsCopied = rowsCopied; }
    public Long getEtaSeconds() { return etaSeconds; }
    public void setEtaSeconds(Long etaSeconds) { this.etaSeconds = etaSeconds; }
    public String getRefreshError() { return refreshError; }
    public void setRefreshError(String refreshError) { this.refreshError = refreshError; }
    public String getRefreshSnapshot() { return refreshSnapshot; }
    public void setRefreshSnapshot(String refreshSnapshot) { this.refreshSnapshot = refreshSnapshot; }
    public Instant getRefreshStartedAt() { return refreshStartedAt; }
    public void setRefreshStartedAt(Instant refreshStartedAt) { this.refreshStartedAt = refreshStartedAt; }
    public Instant getRefreshUpdatedAt() { return refreshUpdatedAt; }
    public void setRefreshUpdatedAt(Instant refreshUpdatedAt) { this.refreshUpdatedAt = refreshUpdatedAt; }
    public String getRequestedBy() { return requestedBy; }
    public void setRequestedBy(String requestedBy) { this.requestedBy = requestedBy; }
}
