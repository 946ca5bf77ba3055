package dev.dolly.functions.web;

import dev.dolly.agent.api.RequestIds;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where a request id starts: every front (CI webhook, Slack, user API, agent callbacks, the schedules) runs its
 * handler through here. The caller's {@code X-Request-Id} is taken when valid ({@link RequestIds#VALID}), otherwise
 * a new id is made; it is in the MDC of every log line the request writes (and of the calls it makes to agents, which
 * send it on), and it comes back in the answer's {@code X-Request-Id}. The thread's MDC is restored afterwards.
 */
public final class RequestScope {
    private RequestScope() {}

    /** One HTTP call of a front, under its request id; the answer carries the id. */
    public static HttpAnswer handle(HttpCall call, Function<HttpCall, HttpAnswer> handler) {
        String id = RequestIds.orMake(call.header(RequestIds.HEADER));
        return run(id, () -> handler.apply(call).withHeader(RequestIds.HEADER, id));
    }

    /** Work no caller asked for (a schedule, the reaper) under a new request id. */
    public static <T> T fresh(Supplier<T> work) {
        return run(RequestIds.make(), work);
    }

    private static <T> T run(String id, Supplier<T> work) {
        try (RequestIds.Scope ignored = RequestIds.fresh(id)) {
            return work.get();
        }
    }
}
