package dev.dolly.functions.store;

import java.time.Instant;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/**
 * Who did what to which clone or template, when, from which front, and how it ended:
 * pk {@code AUDIT#subject}, sk {@code <instant>#<uuid>}; all events by time through gsi2 ({@code KIND#audit}).
 */
@DynamoDbBean
public class AuditItem extends KindIndexedItem {
    private String subject;
    private Instant at;
    private String principal;
    private String front;
    private String action;
    private String outcome;
    private String detail;

    public String getSubject() { return subject; }
    public void setSubject(String subject) { this.subject = subject; }
    public Instant getAt() { return at; }
    public void setAt(Instant at) { this.at = at; }
    public String getPrincipal() { return principal; }
    public void setPrincipal(String principal) { this.principal = principal; }
    public String getFront() { return front; }
    public void setFront(String front) { this.front = front; }
    public String getAction() { return action; }
    public void setAction(String action) { this.action = action; }
    public String getOutcome() { return outcome; }
    public void setOutcome(String outcome) { this.outcome = outcome; }
    public String getDetail() { return detail; }
    public void setDetail(String detail) { this.detail = detail; }
}
