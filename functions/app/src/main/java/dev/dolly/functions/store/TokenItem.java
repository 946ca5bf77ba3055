package dev.dolly.functions.store;

import java.time.Instant;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/**
 * A personal token: pk {@code TOKEN#<sha-256 of the token, hex>}, sk {@code TOKEN}; the token itself is never stored.
 * Listed through gsi2 ({@code KIND#token}, by id). DynamoDB deletes it by TTL a while after it expires.
 */
@DynamoDbBean
public class TokenItem extends KindIndexedItem {
    private String id;
    private String owner;
    private String ownerName;
    private Instant createdAt;
    private Instant expiresAt;
    private Instant lastUsedAt;
    private Instant revokedAt;
    private Long expiresAtEpoch;

    public static String pk(String hash) { return "TOKEN#" + hash; }

    public static TokenItem create(String hash, String id, String owner, Instant createdAt, Instant expiresAt, Instant deleteAt) {
        TokenItem t = new TokenItem();
        t.setPk(pk(hash));
        t.setSk("TOKEN");
        t.id = id;
        t.owner = owner;
        t.createdAt = createdAt;
        t.expiresAt = expiresAt;
        t.expiresAtEpoch = deleteAt.getEpochSecond();
        t.indexByKind("token", id);
        return t;
    }

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    /** The owner's Slack user name when the token was issued (clone names derive from it). */
    public String getOwnerName() { return ownerName; }
    public void setOwnerName(String ownerName) { this.ownerName = ownerName; }
    public String getOwner() { return owner; }
    public void setOwner(String owner) { this.owner = owner; }
    public Instant getCreatedAt() { return createdAt; }
    public void setCreatedAt(Instant createdAt) { this.createdAt = createdAt; }
    public Instant getExpiresAt() { return expiresAt; }
    public void setExpiresAt(Instant expiresAt) { this.expiresAt = expiresAt; }
    public Instant getLastUsedAt() { return lastUsedAt; }
    public void setLastUsedAt(Instant lastUsedAt) { this.lastUsedAt = lastUsedAt; }
    public Instant getRevokedAt() { return revokedAt; }
    public void setRevokedAt(Instant revokedAt) { this.revokedAt = revokedAt; }

    @DynamoDbAttribute(dev.dolly.control.api.TableSchema.TTL_ATTRIBUTE)
    public Long getExpiresAtEpoch() { return expiresAtEpoch; }
    public void setExpiresAtEpoch(Long expiresAtEpoch) { this.expiresAtEpoch = expiresAtEpoch; }
}
