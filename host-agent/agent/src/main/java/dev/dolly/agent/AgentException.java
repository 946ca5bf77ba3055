package dev.dolly.agent;

import dev.dolly.agent.api.ErrorCode;

/**
 * A failure with a stable {@link ErrorCode} and a message that tells the caller what to do.
 * Messages never carry secrets; they reach the API edge as they are (except {@link ErrorCode#INTERNAL},
 * whose detail stays in the log).
 */
public class AgentException extends RuntimeException {
    private final ErrorCode code;

    public AgentException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public AgentException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
