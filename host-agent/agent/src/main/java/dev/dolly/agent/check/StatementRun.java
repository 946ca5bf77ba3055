package dev.dolly.agent.check;

import dev.dolly.agent.api.CheckReport;
import java.util.ArrayList;
import java.util.List;

/** What was measured of one statement while it ran; its locks and waits are read from the tracker at the end. */
final class StatementRun {
    final int index;
    final SqlStatement statement;
    long durationMs;
    final List<String> rewrote = new ArrayList<>();
    final List<Long> rewroteBytes = new ArrayList<>();
    long sizeDeltaBytes;
    long walBytes;
    CheckReport.Error error;

    StatementRun(int index, SqlStatement statement) {
        this.index = index;
        this.statement = statement;
    }

    CheckReport.Statement toReport(LockTracker t, boolean probed) {
        long[] b = t.blocked(index);
        return new CheckReport.Statement(statement.file(), statement.line(), Reports.excerpt(statement.sql()), durationMs, t.locks(index),
                List.copyOf(rewrote), sizeDeltaBytes, walBytes, probed ? b[0] : null, probed ? (int) b[1] : null, error);
    }
}
