package dev.dolly.functions.store;

import java.time.Instant;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/**
 * Where a template's local refresh schedule stands: pk {@code TEMPLATE#name}, sk {@code SCHEDULE}.
 * {@code lastSlot} is the scheduled time handled last (run, or skipped because a refresh was running);
 * kept across restarts, so a run missed while the stack was down is made up once, not in a burst.
 */
@DynamoDbBean
public class ScheduleItem extends BaseItem {
    private String template;
    private String expression;
    private Instant lastSlot;
    private Instant lastRunAt;
    private String lastOutcome;
    private Instant nextRunAt;

    public static ScheduleItem create(String template) {
        ScheduleItem s = new ScheduleItem();
        s.setPk(TemplateItem.pk(template));
        s.setSk("SCHEDULE");
        s.template = template;
        return s;
    }

    public String getTemplate() { return template; }
    public void setTemplate(String template) { this.template = template; }
    public String getExpression() { return expression; }
    public void setExpression(String expression) { this.expression = expression; }
    public Instant getLastSlot() { return lastSlot; }
    public void setLastSlot(Instant lastSlot) { this.lastSlot = lastSlot; }
    public Instant getLastRunAt() { return lastRunAt; }
    public void setLastRunAt(Instant lastRunAt) { this.lastRunAt = lastRunAt; }
    public String getLastOutcome() { return lastOutcome; }
    public void setLastOutcome(String lastOutcome) { this.lastOutcome = lastOutcome; }
    public Instant getNextRunAt() { return nextRunAt; }
    public void setNextRunAt(Instant nextRunAt) { this.nextRunAt = nextRunAt; }
}
