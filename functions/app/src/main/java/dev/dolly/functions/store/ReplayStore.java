package dev.dolly.functions.store;

import dev.dolly.agent.api.RequestSigning;
import dev.dolly.control.api.TableSchema;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The control plane's replay memory of signed agent callbacks, shared by every instance (Lambda containers, local
 * servers): a conditional put of {@code pk REPLAY#<signature>} that fails when the signature is already recorded
 * and not yet expired; DynamoDB's TTL ({@link TableSchema#TTL_ATTRIBUTE}) deletes it after the window.
 */
public final class ReplayStore implements RequestSigning.ReplayMemory {
    private static final String PREFIX = "REPLAY#";
    private final DynamoDbClient client;
    private final String table;

    public ReplayStore(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    @Override
    public boolean firstUse(String key, Instant now, Instant expiresAt) {
        try {
            client.putItem(r -> r.tableName(table)
                    .item(Map.of(TableSchema.PARTITION_KEY, AttributeValue.fromS(PREFIX + key),
                            TableSchema.SORT_KEY, AttributeValue.fromS("REPLAY"),
                            TableSchema.TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond()))))
                    // TTL deletes late: an expired record that is still there does not count
                    .conditionExpression("attribute_not_exists(#pk) OR #ttl < :now")
                    .expressionAttributeNames(Map.of("#pk", TableSchema.PARTITION_KEY, "#ttl", TableSchema.TTL_ATTRIBUTE))
                    .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now.getEpochSecond())))));
            return true;
        } catch (ConditionalCheckFailedException seen) {
            return false;
        }
    }
}
