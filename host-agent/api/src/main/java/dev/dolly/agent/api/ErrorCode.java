package dev.dolly.agent.api;

/** Stable error codes of the agent API, each with the HTTP status it travels with. */
public enum ErrorCode {
    INVALID_NAME(400),
    INVALID_REQUEST(400),
    BAD_SIGNATURE(401),
    UNKNOWN_TEMPLATE(404),
    UNKNOWN_SNAPSHOT(404),
    UNKNOWN_CLONE(404),
    UNKNOWN_SAVEPOINT(404),
    UNKNOWN_JOB(404),
    CONFLICT(409),
    POOL_FULL(507),
    PORTS_EXHAUSTED(503),
    CONTAINER_FAILED(500),
    SOURCE_REFUSED(422),
    REFRESH_FAILED(500),
    INTERNAL(500),
    /** No migration check with that id on this host (issue 14). */
    UNKNOWN_CHECK(404);

    private final int httpStatus;

    ErrorCode(int httpStatus) { this.httpStatus = httpStatus; }

    public int httpStatus() { return httpStatus; }
}
