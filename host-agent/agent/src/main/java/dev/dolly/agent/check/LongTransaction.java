package dev.dolly.agent.check;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The long-transaction variant of the probe: before a file runs, a session reads the first table the file names in
 * an open transaction and holds it for {@link FilesRunner#LONG_TRANSACTION_MS} — what a report or a slow request does
 * in production. A strong lock then waits behind it, and every query queues behind the waiting lock, unless the
 * migration's {@code lock_timeout} gives up first.
 */
final class LongTransaction {
    private LongTransaction() {}

    /** The open session, or null when the file names no table that existed before. */
    static Connection open(CloneAccess clone, TxPlan plan, Relations rels) throws SQLException {
        Relations.Rel target = plan.steps().stream().flatMap(s -> Linter.tablesOf(s.statement()).stream()).map(rels::byKey)
                .filter(r -> r != null).findFirst().orElse(null);
        if (target == null) {
            return null;
        }
        Connection c = ClusterHooks.named(clone.connect(), "longtx");
        try (Statement st = c.createStatement()) {
            st.execute("BEGIN");
            st.execute("SELECT 1 FROM " + target.sql() + " LIMIT 1");
        }
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(FilesRunner.LONG_TRANSACTION_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            close(c);
        }, "check-long-transaction");
        t.setDaemon(true);
        t.start();
        return c;
    }

    /** Ends the transaction (idempotent). */
    static synchronized void close(Connection c) {
        if (c == null) {
            return;
        }
        try {
            if (!c.isClosed()) {
                try (Statement st = c.createStatement()) {
                    st.execute("ROLLBACK");
                }
                c.close();
            }
        } catch (SQLException e) {
            // gone already
        }
    }
}
