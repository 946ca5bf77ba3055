package dev.dolly.functions.service;

import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;

/** A short wait between retries; an interrupt ends the command as UNAVAILABLE. */
final class Pause {
    private Pause() {}

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DollyException(ErrorKind.UNAVAILABLE, "interrupted");
        }
    }
}
