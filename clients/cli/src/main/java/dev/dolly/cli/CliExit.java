package dev.dolly.cli;

/** Ends the command with an exit status; with a message, printed as "dolly: message" on stderr (the bash script's die). */
final class CliExit extends RuntimeException {
    static final int USAGE = 2;
    static final int REFUSED = 3;
    static final int UNAUTHORIZED = 4;
    static final int UNAVAILABLE = 5;

    private final int status;

    CliExit(String message, int status) {
        super(message, null, false, false);
        this.status = status;
    }

    /** An exit whose explanation is already printed (a refusal). */
    static CliExit silent(int status) {
        return new CliExit(null, status);
    }

    static CliExit usage(String message) {
        return new CliExit(message, USAGE);
    }

    int status() {
        return status;
    }
}
