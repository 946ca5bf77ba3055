package dev.dolly.functions.store;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The record of webhook deliveries ({@link DeliveryItem}): one writer per delivery (its sender), so plain puts. */
public final class DeliveryStore {
    private final DynamoDbTable<DeliveryItem> table;

    public DeliveryStore(DynamoDbClient client, String tableName) {
        this.table = DynamoDbEnhancedClient.builder().dynamoDbClient(client).build()
                .table(tableName, TableSchema.fromBean(DeliveryItem.class));
    }

    /** Writes the delivery as it now is (its version moves on, as the table's versioned writes expect). */
    public void put(DeliveryItem d) {
        table.putItem(d);
        d.setVersion(d.getVersion() == null ? 1L : d.getVersion() + 1);
    }

    public DeliveryItem get(String deliveryId) {
        return table.getItem(r -> r.key(Writes.key("DELIVERY#" + deliveryId, "DELIVERY")).consistentRead(true));
    }

    /** The deliveries made at or after {@code since}, oldest first. */
    public List<DeliveryItem> since(java.time.Instant since) {
        List<DeliveryItem> out = new ArrayList<>();
        table.index(dev.dolly.control.api.TableSchema.BY_KIND.name())
                .query(QueryConditional.sortGreaterThanOrEqualTo(k -> k.partitionValue("KIND#delivery").sortValue(since.toString())))
                .forEach(p -> out.addAll(p.items()));
        return out;
    }

    /** Every recorded delivery, oldest first. */
    public List<DeliveryItem> all() {
        List<DeliveryItem> out = new ArrayList<>();
        table.index(dev.dolly.control.api.TableSchema.BY_KIND.name()).query(QueryConditional.keyEqualTo(k -> k.partitionValue("KIND#delivery")))
                .forEach(p -> out.addAll(p.items()));
        return out;
    }
}
