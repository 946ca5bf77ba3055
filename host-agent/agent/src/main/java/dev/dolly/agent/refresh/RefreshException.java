package dev.dolly.agent.refresh;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.api.ErrorCode;

/**
 * A refresh that failed or was refused, saying in which phase and, when it applies, on which
 * table. {@link ErrorCode#SOURCE_REFUSED} for guard refusals (nothing was copied),
 * {@link ErrorCode#REFRESH_FAILED} otherwise.
 */
public class RefreshException extends AgentException {
    private final String phase;
    private final String table;

    public RefreshException(ErrorCode code, String phase, String table, String message, Throwable cause) {
        super(code, compose(phase, table, message), cause);
        this.phase = phase;
        this.table = table;
    }

    public static RefreshException refused(String message) {
        return new RefreshException(ErrorCode.SOURCE_REFUSED, "guard", null, message, null);
    }

    /** A failure; its message is {@link ErrorScrubber scrubbed} of row content. */
    public static RefreshException failed(String phase, String table, String message, Throwable cause) {
        return new RefreshException(ErrorCode.REFRESH_FAILED, phase, table, ErrorScrubber.scrub(message), cause);
    }

    private static String compose(String phase, String table, String message) {
        StringBuilder b = new StringBuilder();
        if (table != null) {
            b.append("table ").append(table).append(": ");
        }
        return b.append(message).toString();
    }

    public String phase() {
        return phase;
    }

    /** The table being copied when it failed, or null. */
    public String table() {
        return table;
    }
}
