package dev.dolly.functions.store;

import java.time.Instant;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/**
 * One delivery of an event to one webhook endpoint: pk {@code DELIVERY#<delivery id>}, sk {@code DELIVERY}; listed by
 * time through gsi2 ({@code KIND#delivery}); DynamoDB's TTL removes it 30 days after it was made. {@code state} is
 * PENDING (queued or between attempts), DELIVERED or FAILED (attempts used up); {@code lastStatus} says how the last
 * attempt ended ({@code HTTP 503}, {@code timeout}, …). {@code body} is the signed payload, kept for a redelivery.
 */
@DynamoDbBean
public class DeliveryItem extends KindIndexedItem {
    public static final String PENDING = "PENDING";
    public static final String DELIVERED = "DELIVERED";
    public static final String FAILED = "FAILED";

    private String deliveryId;
    private String eventId;
    private String eventType;
    private String endpoint;
    private String requestId;
    private int attempts;
    private String lastStatus;
    private String state;
    private Instant createdAt;
    private Instant updatedAt;
    private String body;
    private Long expiresAtEpoch;

    public static DeliveryItem create(String deliveryId, Instant now) {
        DeliveryItem d = new DeliveryItem();
        d.setPk("DELIVERY#" + deliveryId);
        d.setSk("DELIVERY");
        d.setDeliveryId(deliveryId);
        d.setCreatedAt(now);
        d.setUpdatedAt(now);
        d.setState(PENDING);
        d.setExpiresAtEpoch(now.plusSeconds(30L * 24 * 3600).getEpochSecond());
        d.indexByKind("delivery", now + "#" + deliveryId);
        return d;
    }

    public String getDeliveryId() { return deliveryId; }
    public void setDeliveryId(String deliveryId) { this.deliveryId = deliveryId; }
    public String getEventId() { return eventId; }
    public void setEventId(String eventId) { this.eventId = eventId; }
    public String getEventType() { return eventType; }
    public void setEventType(String eventType) { this.eventType = eventType; }
    public String getEndpoint() { return endpoint; }
    public void setEndpoint(String endpoint) { this.endpoint = endpoint; }
    public String getRequestId() { return requestId; }
    public void setRequestId(String requestId) { this.requestId = requestId; }
    public int getAttempts() { return attempts; }
    public void setAttempts(int attempts) { this.attempts = attempts; }
    public String getLastStatus() { return lastStatus; }
    public void setLastStatus(String lastStatus) { this.lastStatus = lastStatus; }
    public String getState() { return state; }
    public void setState(String state) { this.state = state; }
    public Instant getCreatedAt() { return createdAt; }
    public void setCreatedAt(Instant createdAt) { this.createdAt = createdAt; }
    public Instant getUpdatedAt() { return updatedAt; }
    public void setUpdatedAt(Instant updatedAt) { this.updatedAt = updatedAt; }
    public String getBody() { return body; }
    public void setBody(String body) { this.body = body; }
    public Long getExpiresAtEpoch() { return expiresAtEpoch; }
    public void setExpiresAtEpoch(Long expiresAtEpoch) { this.expiresAtEpoch = expiresAtEpoch; }
}
