package dev.dolly.agent.docker;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.Phases;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.pg.PgConnect;
import dev.dolly.agent.pg.Passwords;
import dev.dolly.agent.process.ProcessRunner;
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
    /** Runs {@code kill} for signals to a container's init by its host pid (null: through docker's API). */
    private final ProcessRunner runner;
    /** Host pid of each container {@link #holdDown} holds, for its {@link #release}. */
    private final Map<String, Long> held = new java.util.concurrent.ConcurrentHashMap<>();

    public PostgresContainers(Containers containers) {
        this(containers, null);
    }

    /**
     * {@code runner}: signals the hold and the release send go to the container's init by its host pid with
     * {@code kill} (a few ms) rather than through docker's API (a few tens of ms on a loaded host); docker's API when
     * that fails.
     */
    public PostgresContainers(Containers containers, ProcessRunner runner) {
        this.containers = containers;
        this.runner = runner;
    }

    public Containers containers() {
        return containers;
    }

    /** The runner for host commands next to containers (signals, network-namespace rules): the agent's, or a local one. */
    public ProcessRunner runner() {
        return runner != null ? runner : new dev.dolly.agent.process.LocalProcessRunner();
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

    /** Marker file (in the container's /tmp) the supervisor writes once PostgreSQL and all its processes are gone. */
    public static final String DOWN_MARKER = "/tmp/.dolly-down";

    /**
     * The clone supervisor: a POSIX sh loop under docker's init that runs PostgreSQL in its own
     * process group and lets the agent restart it in place, keeping the container (and its
     * network and published port) up. USR2: kill every process of the container's user but
     * itself (the server, and whatever a tenant started with {@code COPY … PROGRAM}, even in
     * another session or process group: nothing of theirs outlives a reset to touch the restored
     * data or the port), write {@link #DOWN_MARKER} when every one is gone, and hold; USR1: start it again.
     * INT/TERM (docker stop): fast shutdown, then exit. A server that dies on its own ends the
     * container with its exit code, as without the supervisor.
     */
    static final String SUPERVISOR = String.join("\n",
            "go=0; hold=0; stop=0; pg=",
            "trap 'go=1' USR1",
            "trap 'hold=1; kill -KILL -1 2>/dev/null' USR2",
            "trap 'stop=1; [ -z \"$pg\" ] || kill -INT \"$pg\" 2>/dev/null' INT TERM",
            "while :; do",
            "  rm -f " + DOWN_MARKER,
            "  setsid \"$@\" &",
            "  pg=$!",
            "  rc=0",
            "  while kill -0 \"$pg\" 2>/dev/null; do wait \"$pg\"; rc=$?; done",
            "  [ \"$stop\" = 1 ] && exit 0",
            "  [ \"$hold\" = 1 ] || exit \"$rc\"",
            "  while kill -KILL -1 2>/dev/null; do sleep 0.005; done",
            "  pg=",
            "  : > " + DOWN_MARKER,
            "  while [ \"$go\" = 0 ]; do sleep 1 & s=$!; [ \"$go\" = 1 ] || wait \"$s\"; kill \"$s\" 2>/dev/null; done",
            "  go=0; hold=0",
            "done");

    /** {@code sh -c <supervisor> dolly-supervisor <server command…>}: run under docker's init ({@link ContainerSpec#init()}). */
    public static List<String> supervised(List<String> serverCommand) {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", SUPERVISOR, "dolly-supervisor"));
        cmd.addAll(serverCommand);
        return cmd;
    }

    /**
     * Stops the server in a supervised container and keeps it down (the container keeps
     * running). Returns false when that cannot be done here (not supervised, not running, no
     * access to /proc): the caller then stops the whole container.
     */
    public boolean holdDown(String id, Duration timeout) {
        long pid = containers.hostPid(id);
        if (pid <= 0) {
            return false;
        }
        java.nio.file.Path marker = downMarker(pid);
        if (!java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/" + pid + "/root/tmp"))) {
            return false;
        }
        signal(id, pid, "USR2");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (java.nio.file.Files.exists(marker)) {
                held.put(id, pid);
                return true;
            }
            try {
                Thread.sleep(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /**
     * True when supervised container {@code id} runs with its server held down ({@link #DOWN_MARKER} written, the
     * supervisor waiting for its release): what an agent killed between a {@link #holdDown} and its next step leaves.
     */
    public boolean isHeld(String id) {
        long pid = containers.hostPid(id);
        return pid > 0 && java.nio.file.Files.exists(downMarker(pid), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /** {@link #DOWN_MARKER} of the container whose init has host pid {@code pid}, seen from the host. */
    private static java.nio.file.Path downMarker(long pid) {
        return java.nio.file.Path.of("/proc/" + pid + "/root" + DOWN_MARKER);
    }

    /** Starts the server of a supervised container that {@link #holdDown} stopped. */
    public void release(String id) {
        Long pid = held.remove(id);
        signal(id, pid == null ? -1 : pid, "USR1");
    }

    /** {@code kill -s <signal> <pid>} on the host when there is a runner and a pid, else (or when that fails) docker's kill. */
    private void signal(String id, long pid, String signal) {
        if (runner != null && pid > 0 && isContainerProcess(pid, id)) {
            try {
                runner.run(List.of("kill", "-s", signal, Long.toString(pid)));
                return;
            } catch (RuntimeException e) {
                // not ours to signal from here (another user, another pid namespace): docker's API does it
            }
        }
        containers.signal(id, signal);
    }

    /** True when host pid {@code pid} runs in container {@code id} (its cgroup names the container): never signal a stranger. */
    private static boolean isContainerProcess(long pid, String id) {
        try {
            return id.length() >= 12 && java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/cgroup")).contains(id);
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** Creates and starts a container, then waits until it accepts the agent's login; removes it again on failure. */
    public Started createAndAwait(String what, ContainerSpec spec, int hostPort, String database, char[] password, Duration timeout) {
        String id = containers.create(spec);
        return startAndAwait(what, id, hostPort, database, password, timeout, new Phases());
    }

    /** Starts a created container, then waits until it accepts the agent's login; removes it again on failure. */
    public Started startAndAwait(String what, String id, int hostPort, String database, char[] password, Duration timeout, Phases phases) {
        try {
            containers.start(id);
            phases.mark("docker start");
            Connection c = awaitReady(what, id, hostPort, database, password, timeout);
            phases.mark("ready");
            return new Started(id, c);
        } catch (RuntimeException e) {
            containers.removeForce(id);
            throw e;
        }
    }

    /** Waits until the server in container {@code id} accepts the agent's login (SCRAM only, with this cluster's password) on 127.0.0.1:port. */
    public Connection awaitReady(String what, String id, int hostPort, String database, char[] password, Duration timeout) {
        try {
            return PgConnect.awaitReady(what, "127.0.0.1", hostPort, database, Passwords.AGENT_ROLE, password, timeout,
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
