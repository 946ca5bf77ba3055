package dev.dolly.functions.store;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/**
 * The first answer to a request, kept so that a retry (same Idempotency-Key) or a replay (same
 * signature) gets it back instead of acting again: pk {@code IDEM#scope#key}, deleted by TTL. While the
 * first attempt runs the record is IN_PROGRESS under its {@code owner}'s lease.
 * {@code answer} may be sealed (AES-GCM) when it holds a password.
 */
@DynamoDbBean
public class IdempotencyItem extends BaseItem {
    public static final String IN_PROGRESS = "IN_PROGRESS";
    public static final String DONE = "DONE";

    private String state;
    private String requestHash;
    private Integer status;
    private String answer;
    private Boolean sealed;
    private Long expiresAtEpoch;
    private String owner;
    private Long leaseUntilMillis;
    private String answerType;

    public static String pk(String scope, String key) { return "IDEM#" + scope + "#" + key; }

    public static IdempotencyItem create(String scope, String key) {
        IdempotencyItem i = new IdempotencyItem();
        i.setPk(pk(scope, key));
        i.setSk("IDEM");
        return i;
    }

    public String getState() { return state; }
    public void setState(String state) { this.state = state; }
    public String getRequestHash() { return requestHash; }
    public void setRequestHash(String requestHash) { this.requestHash = requestHash; }
    public Integer getStatus() { return status; }
    public void setStatus(Integer status) { this.status = status; }
    public String getAnswer() { return answer; }
    public void setAnswer(String answer) { this.answer = answer; }
    public Boolean getSealed() { return sealed; }
    public void setSealed(Boolean sealed) { this.sealed = sealed; }
    /** True when {@code answer} is sealed (not a bean property). */
    public boolean sealedAnswer() { return Boolean.TRUE.equals(sealed); }

    /** Who holds the claim while it is IN_PROGRESS (one attempt of one process). */
    public String getOwner() { return owner; }
    public void setOwner(String owner) { this.owner = owner; }
    /** Until when the owner's claim holds (epoch millis); renewed while the work runs, taken over once past. */
    public Long getLeaseUntilMillis() { return leaseUntilMillis; }
    public void setLeaseUntilMillis(Long leaseUntilMillis) { this.leaseUntilMillis = leaseUntilMillis; }
    /** What {@code answer} holds: a name from the closed set {@code service.Idempotency.AnswerType}. */
    public String getAnswerType() { return answerType; }
    public void setAnswerType(String answerType) { this.answerType = answerType; }

    @DynamoDbAttribute(dev.dolly.control.api.TableSchema.TTL_ATTRIBUTE)
    public Long getExpiresAtEpoch() { return expiresAtEpoch; }
    public void setExpiresAtEpoch(Long expiresAtEpoch) { this.expiresAtEpoch = expiresAtEpoch; }
}
