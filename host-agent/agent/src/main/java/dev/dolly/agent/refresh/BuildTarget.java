package dev.dolly.agent.refresh;

import dev.dolly.agent.template.BuildServer;
import java.sql.Connection;
import java.sql.SQLException;

/** A template build server as the refresh pipeline fills it: its template database, as the superuser. */
record BuildTarget(BuildServer server, String image) implements RefreshPipeline.Target {

    @Override
    public Connection connect() throws SQLException {
        return server.connect();
    }

    @Override
    public String database() {
        return server.database();
    }

    @Override
    public Connection connectMaintenance() throws SQLException {
        return server.connect("postgres");
    }
}
