package dev.dolly.agent.docker;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.pg.PgConnect;
import dev.dolly.agent.pg.Passwords;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PostgreSQL servers in containers: the server command line, start + readiness wait as the
 * agent's superuser, and on failure a diagnosis (exit code, OOM, log tail) in the error.
 */
public class PostgresContainers {
    /** How many log lines a failure message carries. */
    public static final int LOG_TAIL = 20;
    private final Containers containers;
    private final char[] agentPassword;

    public PostgresContainers(Containers containers, byte[] agentSecret) {
        this.containers = containers;
        this.agentPassword = Passwords.agentPassword(agentSecret);
    }

    public Containers containers() {
        return containers;
    }

    /** The agent's superuser password in clusters this agent made (never logged). */
    public char[] agentPassword() {
        return agentPassword.clone();
    }

    /**
     * {@code postgres -D /pgdata -c listen_addresses=… -c port=… -c unix_socket_directories=/tmp [-c k=v]…}.
     */
    public static List<String> serverCommand(String listenAddresses, int port, Map<String, String> settings) {
        List<String> cmd = new ArrayList<>(List.of("postgres", "-D", "/pgdata",
                "-c", "listen_addresses=" + listenAddresses,
                "-c", "port=" + port,
                "-c", "unix_socket_directories=/tmp"));
        settings.forEach((k, v) -> {
            cmd.add("-c");
            cmd.add(k + "=" + v);
        });
        return cmd;
    }

    /** Creates and starts a container, then waits until it accepts the agent's login; removes it again on failure. */
    public Started createAndAwait(String what, ContainerSpec spec, int hostPort, String database, Duration timeout) {
        String id = containers.create(spec);
        try {
            containers.start(id);
            return new Started(id, awaitReady(what, id, hostPort, database, timeout));
        } catch (RuntimeException e) {
            containers.removeForce(id);
            throw e;
        }
    }

    /** Waits until the server in container {@code id} accepts the agent's login on 127.0.0.1:port. */
    public Connection awaitReady(String what, String id, int hostPort, String database, Duration timeout) {
        try {
            return PgConnect.awaitReady(what, "127.0.0.1", hostPort, database, Passwords.AGENT_ROLE, agentPassword, timeout,
                    () -> {
                        Optional<ContainerState> st = containers.inspect(id);
                        if (st.isEmpty()) {
                            return "container is gone";
                        }
                        return st.get().running() ? null : st.get().describe();
                    });
        } catch (AgentException e) {
            throw new AgentException(e.code(), e.getMessage() + diagnosis(id), e);
        }
    }

    /** "; container …; last log lines: …" for an error message. */
    public String diagnosis(String id) {
        String state = containers.inspect(id).map(ContainerState::describe).orElse("gone");
        String tail = containers.logTail(id, LOG_TAIL);
        return "; container " + state + (tail.isBlank() ? "" : "; last log lines:\n" + tail);
    }

    public record Started(String containerId, Connection connection) {}

    /** Builds a one-shot container, runs it to completion, removes it; throws with its log tail when it fails. */
    public void runOnce(String what, ContainerSpec spec, Duration timeout) {
        String id = containers.create(spec);
        try {
            containers.start(id);
            int exit;
            try {
                exit = containers.awaitExit(id, timeout);
            } catch (RuntimeException e) {
                throw new AgentException(ErrorCode.CONTAINER_FAILED, what + " did not finish within " + timeout.toSeconds() + " s" + diagnosis(id), e);
            }
            if (exit != 0) {
                throw new AgentException(ErrorCode.CONTAINER_FAILED, what + " failed" + diagnosis(id));
            }
        } finally {
            containers.removeForce(id);
        }
    }
}
