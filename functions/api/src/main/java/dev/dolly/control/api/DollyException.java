package dev.dolly.control.api;

/** A refusal or failure with a message for the user that says what to do instead. */
public class DollyException extends RuntimeException {
    private final ErrorKind kind;

    public DollyException(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public DollyException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public ErrorKind kind() { return kind; }
}
