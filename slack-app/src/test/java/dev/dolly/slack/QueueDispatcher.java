package dev.dolly.slack;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps dispatched work until the test runs it, the way the Lambda hand-off does: each item goes through
 * {@link SlackWork#toJson()} and back before {@link SlackFront#runWork} sees it.
 */
final class QueueDispatcher implements SlackWorkDispatcher {
    final List<SlackWork> queued = new CopyOnWriteArrayList<>();

    @Override
    public void dispatch(SlackWork work) {
        queued.add(work);
    }

    /** Runs everything queued so far; returns what ran. */
    List<SlackWork> runAll(SlackFront front) {
        List<SlackWork> ran = new ArrayList<>(queued);
        queued.clear();
        for (SlackWork w : ran) front.runWork(SlackWork.fromJson(w.toJson()));
        return ran;
    }
}
