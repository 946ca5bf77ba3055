package dev.dolly.functions.health;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** DynamoDB answers and the table is ACTIVE. */
public final class DynamoHealthIndicator implements HealthIndicator {
    private final DynamoDbClient client;
    private final String table;

    public DynamoHealthIndicator(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    @Override
    public Health health() {
        try {
            TableDescription t = client.describeTable(b -> b.tableName(table)).table();
            Health.Builder h = "ACTIVE".equals(t.tableStatusAsString()) ? Health.up() : Health.down();
            return h.withDetail("table", table).withDetail("status", t.tableStatusAsString()).build();
        } catch (RuntimeException e) {
            return Health.down().withDetail("table", table).withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build();
        }
    }
}
