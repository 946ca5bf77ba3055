package dev.dolly.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.control.api.TableSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The DynamoDB table comes from the control plane's single definition, TableSchema. */
class TableTest {
    private final Template template = Synth.standard();

    @Test
    void oneTableKeyedAsTableSchemaSays() {
        template.resourceCountIs("AWS::DynamoDB::Table", 1);
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "KeySchema", List.of(
                        Map.of("AttributeName", TableSchema.PARTITION_KEY, "KeyType", "HASH"),
                        Map.of("AttributeName", TableSchema.SORT_KEY, "KeyType", "RANGE"))));
    }

    @Test
    void everyIndexOfTableSchemaWithAllAttributes() {
        List<Object> gsis = TableSchema.INDEXES.stream().map(i -> (Object) Map.of(
                "IndexName", i.name(),
                "KeySchema", List.of(
                        Map.of("AttributeName", i.partitionKey(), "KeyType", "HASH"),
                        Map.of("AttributeName", i.sortKey(), "KeyType", "RANGE")),
                "Projection", Map.of("ProjectionType", "ALL"))).toList();
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of("GlobalSecondaryIndexes", gsis));
        assertThat(TableSchema.INDEXES).extracting(TableSchema.Index::name).containsExactly("gsi1", "gsi2");
    }

    @Test
    void onDemandWithPitrTtlAndDeletionProtection() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "BillingMode", "PAY_PER_REQUEST",
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "TimeToLiveSpecification", Map.of("AttributeName", TableSchema.TTL_ATTRIBUTE, "Enabled", true),
                "DeletionProtectionEnabled", true,
                "ProvisionedThroughput", Match.absent()));
        template.hasResource("AWS::DynamoDB::Table", Map.of(
                "DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain"));
    }
}
