package dev.dolly.agent.clone.spares;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A ready warm spare: its key ({@code spare.<hex>}), the template and snapshot (build id) it is a clone of, its dataset,
 * published port and container, and an open connection to its server as the agent (with the spare's own key), so a
 * take needs no new login.
 */
public record Spare(String key, String template, String snapshot, String dataset, int port, String containerId, Connection connection) {
    /** Closes the agent's connection to it. */
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the server went away: nothing to close
        }
    }
}
