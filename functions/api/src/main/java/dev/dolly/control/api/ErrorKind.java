package dev.dolly.control.api;

/** Failure classes every front maps the same way (the CI webhook to these HTTP statuses). */
public enum ErrorKind {
    BAD_REQUEST(400),
    UNAUTHORIZED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    CONFLICT(409),
    QUOTA_EXCEEDED(429),
    UNAVAILABLE(503),
    INTERNAL(500);

    private final int httpStatus;

    ErrorKind(int httpStatus) { this.httpStatus = httpStatus; }

    public int httpStatus() { return httpStatus; }
}
