package dev.dolly.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.agent.Agent;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.client.AgentClient;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.process.LocalProcessRunner;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Helpers for integration tests that run a real agent in this JVM. */
public final class ItAgent {
    private ItAgent() {}

    public static Agent start(AgentConfig config) throws Exception {
        Agent a = new Agent(config, Map.of(), Clock.systemUTC());
        a.start();
        return a;
    }

    public static AgentClient client(Agent a) {
        return new AgentClient(a.config().name(), URI.create("http://127.0.0.1:" + a.httpPort()), TestRoot.SECRET, Clock.systemUTC());
    }

    /** A seed directory with one small schema-and-data file. */
    public static Path seed(Path dir, String sql) throws Exception {
        Path d = Files.createDirectories(dir.resolve("seed"));
        Files.writeString(d.resolve("V1__schema.sql"), sql);
        return d;
    }

    public static final String SHOP_SQL = """
            CREATE TABLE customer(id bigint PRIMARY KEY, email text NOT NULL);
            INSERT INTO customer SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 1000) g;
            """;

    /** Refreshes a template through the API and waits for the job; asserts it succeeded. */
    public static JobView build(AgentClient c, String template) throws Exception {
        JobView j = c.refresh(template);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while ("RUNNING".equals(j.state()) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            j = c.job(j.id());
        }
        assertThat(j.state()).as("refresh job %s: %s", j.id(), j.error()).isEqualTo("SUCCEEDED");
        return j;
    }

    public static Connection connect(CloneCredentials c) throws SQLException {
        return connect(c, c.password());
    }

    public static Connection connect(CloneCredentials c, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", c.cloneView().user());
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + c.cloneView().port() + "/" + c.cloneView().database(), p);
    }

    /** The first column of the first row of {@code sql} as a number (a count). */
    public static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** {@code docker inspect}'s HostConfig of a container, as docker reports it. */
    public static JsonNode hostConfig(String container) throws Exception {
        String json = new LocalProcessRunner().run(List.of("docker", "inspect", "-f", "{{json .HostConfig}}", container)).stdout();
        return new ObjectMapper().readTree(json);
    }
}
