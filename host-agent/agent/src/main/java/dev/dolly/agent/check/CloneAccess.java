package dev.dolly.agent.check;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/** What a check needs of its clone: connections as the agent's role, savepoints, and the server's log. */
public interface CloneAccess {
    String cloneId();

    /** The clone owner's database role: the migration runs as it (what it creates is the owner's). */
    String ownerRole();

    /** A new connection to the clone's database as the agent's (superuser) role, autocommit on. */
    Connection connect() throws SQLException;

    void savepoint(String name);

    /** Puts the clone back to savepoint {@code name} (the server restarts: every connection ends). */
    void rollbackTo(String name);

    void deleteSavepoint(String name);

    /** Deletes savepoint {@code name} if it exists. */
    void deleteStaleSavepoint(String name);

    /** What the clone's server logged since {@code since}. */
    String serverLog(Instant since);
}
