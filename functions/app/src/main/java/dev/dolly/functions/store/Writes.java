package dev.dolly.functions.store;

import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** What every conditional write of the table shares: item keys, the version condition, the pause before a retry. */
final class Writes {
    private Writes() {}

    static Key key(String pk, String sk) {
        return Key.builder().partitionValue(pk).sortValue(sk).build();
    }

    /** The condition that the stored item is still at {@code version}. */
    static Expression versionIs(Long version) {
        return Expression.builder().expression("#v = :v").putExpressionName("#v", "version")
                .putExpressionValue(":v", AttributeValue.fromN(String.valueOf(version))).build();
    }

    /** A short randomized pause growing with {@code attempt}, before retrying a write that lost a race. */
    static void backoff(int attempt) {
        try {
            Thread.sleep(Math.min(200, 2L << Math.min(attempt, 6)) + ThreadLocalRandom.current().nextInt(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
