package dev.dolly.functions.service;

import dev.dolly.functions.domain.FirstAnswer;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.IdempotencyItem;
import java.time.Instant;

/**
 * First answers of requests by {@code scope} and key (a signature, an Idempotency-Key): claim one before
 * acting, complete it with the answer, or release it when a retry may act; a second caller waits for the
 * first one's answer.
 */
public class FirstAnswers {
    private final DollyStore store;

    public FirstAnswers(DollyStore store) {
        this.store = store;
    }

    /** Claims {@code scope/key}: null when this caller now owns it, else the answer already there (maybe in progress). */
    public FirstAnswer claim(String scope, String key, String requestHash, Instant expires) {
        return answer(store.claim(scope, key, requestHash, expires));
    }

    /** Waits (up to a minute) while {@code first} is in progress; null when its claim was released meanwhile. */
    public FirstAnswer awaitDone(FirstAnswer first, String scope, String key) {
        FirstAnswer a = first;
        for (int n = 0; n < 1200 && a != null && a.inProgress(); n++) {
            sleep(50);
            a = answer(store.idempotency(scope, key));
        }
        return a;
    }

    /** Stores the first answer of a claimed request. */
    public void complete(String scope, String key, int status, String answer, boolean sealed) {
        store.complete(scope, key, status, answer, sealed);
    }

    /** Forgets a claim (the request failed in a way a retry may fix). */
    public void release(String scope, String key) {
        store.release(scope, key);
    }

    /** What an answer of {@code scope/key} is sealed against (associated data). */
    public static String sealContext(String scope, String key) {
        return IdempotencyItem.pk(scope, key);
    }

    private static FirstAnswer answer(IdempotencyItem i) {
        if (i == null) return null;
        return new FirstAnswer(IdempotencyItem.IN_PROGRESS.equals(i.getState()), i.getRequestHash(), i.getStatus(), i.getAnswer(),
                i.sealedAnswer(), i.getPk());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
