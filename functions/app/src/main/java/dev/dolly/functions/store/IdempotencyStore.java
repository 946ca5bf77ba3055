package dev.dolly.functions.store;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The idempotency records ({@link IdempotencyItem}) of the table: claim (with a lease), renew, complete,
 * release — each write by the claim's owner only; used through {@link DollyStore}.
 */
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
     * Claims {@code scope/key} for {@code owner} and a request with {@code requestHash}, its lease holding until
     * {@code leaseUntil}: returns null when {@code owner} now holds it (record IN_PROGRESS), else the record there
     * (DONE, IN_PROGRESS under a live lease, or another request's). A claim whose lease ran out (its owner died)
     * or whose record expired is taken over.
     */
    IdempotencyItem claim(String scope, String key, String requestHash, String owner, Instant leaseUntil, Instant expires) {
        for (int attempt = 0; attempt < 10; attempt++) {
            IdempotencyItem i = IdempotencyItem.create(scope, key);
            i.setState(IdempotencyItem.IN_PROGRESS);
            i.setRequestHash(requestHash);
            i.setOwner(owner);
            i.setLeaseUntilMillis(leaseUntil.toEpochMilli());
            i.setExpiresAtEpoch(expires.getEpochSecond());
            try {
                table.putItem(i); // version null: only when no record is there
                return null;
            } catch (ConditionalCheckFailedException e) {
                IdempotencyItem existing = get(scope, key);
                if (existing == null) continue; // gone meanwhile
                if (!takeable(existing, requestHash)) return existing;
                // the owner died (lease over) or the record expired but is not yet swept by TTL: take it over
                existing.setState(IdempotencyItem.IN_PROGRESS);
                existing.setRequestHash(requestHash);
                existing.setOwner(owner);
                existing.setLeaseUntilMillis(leaseUntil.toEpochMilli());
                existing.setExpiresAtEpoch(expires.getEpochSecond());
                existing.setStatus(null);
                existing.setAnswer(null);
                existing.setSealed(null);
                existing.setAnswerType(null);
                try {
                    table.putItem(existing); // versioned: loses to anyone who wrote meanwhile
                    return null;
                } catch (ConditionalCheckFailedException lost) {
                    Writes.backoff(attempt);
                }
            }
        }
        return get(scope, key);
    }

    private boolean takeable(IdempotencyItem i, String requestHash) {
        Instant now = clock.instant();
        boolean expired = i.getExpiresAtEpoch() != null && i.getExpiresAtEpoch() < now.getEpochSecond();
        if (expired) return true;
        boolean leaseOver = IdempotencyItem.IN_PROGRESS.equals(i.getState()) && i.getLeaseUntilMillis() != null
                && i.getLeaseUntilMillis() < now.toEpochMilli();
        return leaseOver && Objects.equals(i.getRequestHash(), requestHash);
    }

    /** Extends {@code owner}'s lease on {@code scope/key}; false when the claim is no longer its own. */
    boolean renew(String scope, String key, String owner, Instant leaseUntil) {
        for (int attempt = 0; attempt < 5; attempt++) {
            IdempotencyItem i = get(scope, key);
            if (!ownedBy(i, owner)) return false;
            i.setLeaseUntilMillis(leaseUntil.toEpochMilli());
            try {
                table.putItem(i);
                return true;
            } catch (ConditionalCheckFailedException e) {
                Writes.backoff(attempt);
            }
        }
        return false;
    }

    /** Stores the first answer of {@code owner}'s claim; false (nothing written) when the claim is no longer its own. */
    boolean complete(String scope, String key, String owner, String answerType, int status, String answer, boolean sealed) {
        for (int attempt = 0; attempt < 10; attempt++) {
            IdempotencyItem i = get(scope, key);
            if (!ownedBy(i, owner)) return false;
            i.setState(IdempotencyItem.DONE);
            i.setAnswerType(answerType);
            i.setStatus(status);
            i.setAnswer(answer);
            i.setSealed(sealed);
            i.setLeaseUntilMillis(null);
            try {
                table.putItem(i);
                return true;
            } catch (ConditionalCheckFailedException e) {
                Writes.backoff(attempt); // a renewal of our own lease raced: read again
            }
        }
        return false;
    }

    /** Forgets {@code owner}'s claim (the request failed in a way a retry may fix); another owner's record is left alone. */
    void release(String scope, String key, String owner) {
        try {
            table.deleteItem(r -> r.key(Writes.key(IdempotencyItem.pk(scope, key), "IDEM"))
                    .conditionExpression(Expression.builder().expression("#o = :o AND #s = :s")
                            .putExpressionName("#o", "owner").putExpressionValue(":o", AttributeValue.fromS(owner))
                            .putExpressionName("#s", "state").putExpressionValue(":s", AttributeValue.fromS(IdempotencyItem.IN_PROGRESS))
                            .build()));
        } catch (ConditionalCheckFailedException e) {
            // taken over by a retry meanwhile: its record stays
        }
    }

    private static boolean ownedBy(IdempotencyItem i, String owner) {
        return i != null && IdempotencyItem.IN_PROGRESS.equals(i.getState()) && owner.equals(i.getOwner());
    }
}
