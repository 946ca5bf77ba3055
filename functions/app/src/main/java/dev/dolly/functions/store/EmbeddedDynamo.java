package dev.dolly.functions.store;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import java.io.File;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local in this process (in memory, or in a file to keep state across restarts). Kept apart
 * so that the Lambda jar, which leaves DynamoDB Local out, never loads it.
 */
final class EmbeddedDynamo implements AutoCloseable {
    private final AmazonDynamoDBLocal local;

    EmbeddedDynamo(String localFile) {
        if (localFile == null || localFile.isBlank()) {
            local = DynamoDBEmbedded.create(false); // false: no start-up telemetry
        } else {
            File f = new File(localFile);
            if (f.getParentFile() != null) f.getParentFile().mkdirs();
            local = DynamoDBEmbedded.create(f, false);
        }
    }

    DynamoDbClient client() { return local.dynamoDbClient(); }

    @Override
    public void close() { local.shutdownNow(); }
}
