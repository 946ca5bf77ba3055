package dev.dolly.agent.api.client;

import dev.dolly.agent.api.ErrorCode;

/**
 * A call to a host agent that did not succeed. {@link Unavailable}: the host could not be reached or did not
 * answer in time (or its circuit breaker is open) — the outcome of the call is unknown.
 * {@link Refused}: the agent answered with an error code — it is alive and the call had no effect.
 */
public abstract sealed class AgentException extends RuntimeException permits AgentException.Unavailable, AgentException.Refused {
    private final String host;

    protected AgentException(String host, String message, Throwable cause) {
        super(message, cause);
        this.host = host;
    }

    public String host() { return host; }

    public static final class Unavailable extends AgentException {
        private final boolean rejectedFast;

        public Unavailable(String host, String message, Throwable cause, boolean rejectedFast) {
            super(host, message, cause);
            this.rejectedFast = rejectedFast;
        }

        /** True when the call was never sent (open breaker, full bulkhead): nothing happened on the host. */
        public boolean rejectedFast() { return rejectedFast; }
    }

    public static final class Refused extends AgentException {
        private final ErrorCode code;
        private final int status;

        public Refused(String host, ErrorCode code, int status, String message) {
            super(host, message, null);
            this.code = code;
            this.status = status;
        }

        public ErrorCode code() { return code; }
        public int status() { return status; }
    }
}
