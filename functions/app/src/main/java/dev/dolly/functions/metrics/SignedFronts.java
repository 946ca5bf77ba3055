package dev.dolly.functions.metrics;

import dev.dolly.functions.web.HttpAnswer;

/** Counts the answers of the signed fronts that refused a request's signature (401). */
public final class SignedFronts {
    private final ControlMeters meters;

    public SignedFronts(ControlMeters meters) {
        this.meters = meters;
    }

    /** {@code answer}, after counting it as a signature failure of {@code front} when it is a 401. */
    public HttpAnswer seen(String front, HttpAnswer answer) {
        if (answer.status() == 401) {
            meters.signatureFailure(front);
        }
        return answer;
    }
}
