package dev.dolly.functions.store;

/** A conditional write lost: the item changed (or appeared) since it was read. */
public class ConflictException extends RuntimeException {
    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
