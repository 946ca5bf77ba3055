package dev.dolly.functions.store;

import dev.dolly.control.api.TableSchema;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Builds the DynamoDB client: DynamoDB Local embedded in this process ({@code embedded}, in memory
 * or in a file), a real AWS endpoint ({@code aws}: region and credentials from the environment), or
 * any endpoint URL. Creates the table from {@link TableSchema} where it is missing (never in AWS).
 */
public final class Dynamo implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dynamo.class);

    private final DynamoDbClient client;
    private final AutoCloseable local;

    private Dynamo(DynamoDbClient client, AutoCloseable local) {
        this.client = client;
        this.local = local;
    }

    /**
     * @param endpoint {@code embedded}, {@code aws}, or a URL
     * @param localFile for {@code embedded}: the database file (null: in memory)
     */
    public static Dynamo open(String endpoint, String region, String localFile) {
        if (endpoint == null || endpoint.isBlank() || endpoint.equals("embedded")) {
            EmbeddedDynamo local = new EmbeddedDynamo(localFile);
            log.info("DynamoDB Local embedded ({})", localFile == null || localFile.isBlank() ? "in memory" : localFile);
            return new Dynamo(local.client(), local);
        }
        if (endpoint.equals("aws")) {
            var b = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create());
            if (region != null && !region.isBlank()) b.region(Region.of(region));
            return new Dynamo(b.build(), null);
        }
        return new Dynamo(DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create(endpoint))
                .region(Region.of(region == null || region.isBlank() ? "us-east-1" : region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build(), null);
    }

    public DynamoDbClient client() { return client; }

    public boolean embedded() { return local != null; }

    /** Creates the single table (keys, GSIs per {@link TableSchema}) if it does not exist. */
    public void ensureTable(String table) {
        try {
            client.describeTable(r -> r.tableName(table));
            return;
        } catch (ResourceNotFoundException e) {
            // create below
        }
        List<AttributeDefinition> attrs = new ArrayList<>();
        attrs.add(AttributeDefinition.builder().attributeName(TableSchema.PARTITION_KEY).attributeType(ScalarAttributeType.S).build());
        attrs.add(AttributeDefinition.builder().attributeName(TableSchema.SORT_KEY).attributeType(ScalarAttributeType.S).build());
        List<GlobalSecondaryIndex> gsis = new ArrayList<>();
        for (TableSchema.Index i : TableSchema.INDEXES) {
            attrs.add(AttributeDefinition.builder().attributeName(i.partitionKey()).attributeType(ScalarAttributeType.S).build());
            attrs.add(AttributeDefinition.builder().attributeName(i.sortKey()).attributeType(ScalarAttributeType.S).build());
            gsis.add(GlobalSecondaryIndex.builder().indexName(i.name())
                    .keySchema(KeySchemaElement.builder().attributeName(i.partitionKey()).keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(i.sortKey()).keyType(KeyType.RANGE).build())
                    .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                    .build());
        }
        try {
            client.createTable(CreateTableRequest.builder().tableName(table)
                    .attributeDefinitions(attrs)
                    .keySchema(KeySchemaElement.builder().attributeName(TableSchema.PARTITION_KEY).keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(TableSchema.SORT_KEY).keyType(KeyType.RANGE).build())
                    .globalSecondaryIndexes(gsis)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .build());
            log.info("created DynamoDB table {}", table);
        } catch (ResourceInUseException e) {
            // created concurrently
        }
        try {
            client.updateTimeToLive(r -> r.tableName(table).timeToLiveSpecification(s -> s.enabled(true).attributeName(TableSchema.TTL_ATTRIBUTE)));
        } catch (RuntimeException e) {
            log.debug("TTL not enabled on {}: {}", table, e.toString());
        }
    }

    @Override
    public void close() {
        client.close();
        if (local != null) {
            try {
                local.close();
            } catch (Exception e) {
                log.debug("DynamoDB Local shutdown: {}", e.toString());
            }
        }
    }
}
