package dev.dolly.agent.template;

import dev.dolly.agent.pg.PgConnect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A running, non-durable build server for one template build: a fresh cluster on a new dataset,
 * published on {@code host:port} (127.0.0.1 only), with {@code database} already created and
 * owned by {@code superuser}. A populator (package {@code refresh}) fills it; {@link TemplateBuilds#finish}
 * makes it a snapshot. {@code password} is the superuser's (derived from the agent secret);
 * {@link #toString()} masks it.
 */
public record BuildServer(
        String template,
        String buildId,
        String dataset,
        Path mountpoint,
        String containerId,
        String host,
        int port,
        String superuser,
        char[] password,
        String database) {

    /** A new connection to the template database as the superuser (long socket timeout: builds run long statements). */
    public Connection connect() throws SQLException {
        return connect(database);
    }

    public Connection connect(String otherDatabase) throws SQLException {
        return PgConnect.connect(host, port, otherDatabase, superuser, password, 0);
    }

    @Override
    public String toString() {
        return "BuildServer[template=" + template + ", buildId=" + buildId + ", dataset=" + dataset + ", " + host + ":" + port
                + "/" + database + " as " + superuser + ", password=***]";
    }
}
