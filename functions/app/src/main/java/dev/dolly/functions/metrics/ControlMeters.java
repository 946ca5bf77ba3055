package dev.dolly.functions.metrics;

import java.util.Map;

/**
 * The control plane's domain meters, whichever way they leave the process: Micrometer's Prometheus registry on the
 * local server ({@link MicrometerControlMeters}), CloudWatch embedded metric format on Lambda
 * ({@link EmfControlMeters}). Tag values are verbs, fronts, outcomes (error kinds) and configured host names: all
 * bounded.
 */
public interface ControlMeters {
    /** One command by verb and front that ended {@code ok} or with its error kind (lower case). */
    void command(String verb, String front, String outcome, long nanos);

    /** A command refused by the authorizer. */
    void denied(String verb, String front);

    /** A request refused for its signature at {@code front} ({@code ci}, {@code slack}, {@code agent}). */
    void signatureFailure(String front);

    /** The age of each host's last healthy heartbeat, as the reaper saw it (Lambda; the local server reads it at scrape). */
    void heartbeatAges(Map<String, Long> secondsByHost);

    ControlMeters NONE = new ControlMeters() {
        @Override
        public void command(String verb, String front, String outcome, long nanos) {}

        @Override
        public void denied(String verb, String front) {}

        @Override
        public void signatureFailure(String front) {}

        @Override
        public void heartbeatAges(Map<String, Long> secondsByHost) {}
    };
}
