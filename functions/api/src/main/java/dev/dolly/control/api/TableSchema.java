package dev.dolly.control.api;

import java.util.List;

/**
 * The single definition of Dolly's DynamoDB table (single-table design), used by the app to
 * create it in DynamoDB Local and by {@code infra} to declare it in AWS.
 */
public final class TableSchema {
    public static final String DEFAULT_TABLE_NAME = "dolly";
    public static final String PARTITION_KEY = "pk";
    public static final String SORT_KEY = "sk";
    /** Epoch seconds after which DynamoDB may delete the item (idempotency records, replay guards). */
    public static final String TTL_ATTRIBUTE = "expiresAtEpoch";

    /** A global secondary index on string keys, all attributes projected. */
    public record Index(String name, String partitionKey, String sortKey) {}

    /** Items by owner (clones of a principal): gsi1pk = OWNER#id, gsi1sk = CLONE#id. */
    public static final Index BY_OWNER = new Index("gsi1", "gsi1pk", "gsi1sk");
    /** Items by kind (all clones, all hosts, all templates): gsi2pk = KIND#clone, gsi2sk = id. */
    public static final Index BY_KIND = new Index("gsi2", "gsi2pk", "gsi2sk");

    public static final List<Index> INDEXES = List.of(BY_OWNER, BY_KIND);

    private TableSchema() {}
}
