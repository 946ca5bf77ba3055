package dev.dolly.functions.store;

import java.time.Clock;
import java.time.Instant;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** The idempotency records ({@link IdempotencyItem}) of the table: claim, complete, release; used through {@link DollyStore}. */
class IdempotencyStore {
    private final DynamoDbTable<IdempotencyItem> table;
    private final Clock clock;

    IdempotencyStore(DynamoDbTable<IdempotencyItem> table, Clock clock) {
        this.table = table;
        this.clock = clock;
    }

    IdempotencyItem get(String scope, String key) {
        return table.getItem(r -> r.key(Writes.key(IdempotencyItem.pk(scope, key), "IDEM")).consistentRead(true));
    }

    /**
     * Claims {@code scope/key} for a request with {@code requestHash}: returns null when this caller
     * now owns it (record IN_PROGRESS), else the existing record (IN_PROGRESS or DONE).
     */
    IdempotencyItem claim(String scope, String key, String requestHash, Instant expires) {
        IdempotencyItem i = IdempotencyItem.create(scope, key);
        i.setState(IdempotencyItem.IN_PROGRESS);
        i.setRequestHash(requestHash);
        i.setExpiresAtEpoch(expires.getEpochSecond());
        try {
            table.putItem(i);
            return null;
        } catch (ConditionalCheckFailedException e) {
            IdempotencyItem existing = get(scope, key);
            if (existing == null || (existing.getExpiresAtEpoch() != null && existing.getExpiresAtEpoch() < clock.instant().getEpochSecond())) {
                // gone meanwhile, or expired but not yet swept by TTL: take it over
                if (existing != null) {
                    try {
                        table.deleteItem(r -> r.key(Writes.key(existing.getPk(), "IDEM"))
                                .conditionExpression(Writes.versionIs(existing.getVersion())));
                    } catch (ConditionalCheckFailedException ignored) {
                        return get(scope, key);
                    }
                }
                return claim(scope, key, requestHash, expires);
            }
            return existing;
        }
    }

    /** Stores the first answer of a claimed request. */
    void complete(String scope, String key, int status, String answer, boolean sealed) {
        // the claimer's record is at version 1: write it blind first, read only when that lost
        IdempotencyItem done = IdempotencyItem.create(scope, key);
        done.setVersion(1L);
        done.setState(IdempotencyItem.DONE);
        done.setStatus(status);
        done.setAnswer(answer);
        done.setSealed(sealed);
        for (int attempt = 0; attempt < 10; attempt++) {
            if (attempt == 0) {
                try {
                    // keep what the claim recorded (request hash, expiry): read it back only if the blind write fails
                    table.updateItem(r -> r.item(done).ignoreNulls(true)
                            .conditionExpression(Expression.builder().expression("#s = :s")
                                    .putExpressionName("#s", "state")
                                    .putExpressionValue(":s", AttributeValue.fromS(IdempotencyItem.IN_PROGRESS)).build()));
                    return;
                } catch (ConditionalCheckFailedException e) {
                    continue;
                }
            }
            IdempotencyItem i = get(scope, key);
            if (i == null) return;
            i.setState(IdempotencyItem.DONE);
            i.setStatus(status);
            i.setAnswer(answer);
            i.setSealed(sealed);
            try {
                table.putItem(i);
                return;
            } catch (ConditionalCheckFailedException e) {
                Writes.backoff(attempt);
            }
        }
    }

    /** Forgets a claim (the request failed in a way a retry may fix). */
    void release(String scope, String key) {
        table.deleteItem(Writes.key(IdempotencyItem.pk(scope, key), "IDEM"));
    }
}
