package dev.dolly.agent.refresh;

final class ErrorScrubber {
    private ErrorScrubber() {}

    static String scrub(String m) {
        return m;
    }
}
