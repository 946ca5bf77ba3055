package dev.dolly.functions.store;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSecondaryPartitionKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSecondarySortKey;

/** An item listed by kind through the {@code gsi2} index (all clones, all hosts, all templates, audit events). */
public abstract class KindIndexedItem extends BaseItem {
    private String gsi2pk;
    private String gsi2sk;

    /** Lists this item under {@code KIND#<kind>}, sorted by {@code id}. */
    protected void indexByKind(String kind, String id) {
        this.gsi2pk = "KIND#" + kind;
        this.gsi2sk = id;
    }

    @DynamoDbSecondaryPartitionKey(indexNames = "gsi2")
    public String getGsi2pk() { return gsi2pk; }
    public void setGsi2pk(String gsi2pk) { this.gsi2pk = gsi2pk; }
    @DynamoDbSecondarySortKey(indexNames = "gsi2")
    public String getGsi2sk() { return gsi2sk; }
    public void setGsi2sk(String gsi2sk) { this.gsi2sk = gsi2sk; }
}
