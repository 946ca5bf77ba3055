package dev.dolly.functions.it;

import dev.dolly.functions.service.RefreshTracker;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.TemplateItem;
import java.time.Duration;

/** Waits for a template's refresh on a real agent: polls the tracker (as the scheduler does) until it ends. */
final class RefreshWait {
    private RefreshWait() {}

    /** The template's item once its refresh has ended, or after {@code timeout} (the caller asserts the outcome). */
    static TemplateItem until(DollyStore store, RefreshTracker refreshes, String template, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        TemplateItem t;
        do {
            Thread.sleep(300);
            refreshes.pollRunning();
            t = store.template(template);
        } while (t.refreshRunning() && System.nanoTime() < deadline);
        return t;
    }
}
