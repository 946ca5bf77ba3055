package dev.dolly.agent.bench;

import dev.dolly.agent.Agent;
import dev.dolly.agent.docker.CloneContainers;
import dev.dolly.agent.docker.ContainerSpec;
import dev.dolly.agent.pg.Passwords;
import dev.dolly.agent.ports.PortPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The floors a clone is measured against, in the same run as the clone rows (issue 19):
 * <ul>
 *   <li>{@code docker_run_trivial}: create + start + wait of a container of the clone image running {@code true}, with
 *       everything else as a clone is run (published port, network, confinement, init, memory, read-only root);</li>
 *   <li>{@code zfs_clone_pg_start}: {@code zfs clone} of the template's snapshot, PostgreSQL started without a container
 *       (the host's binaries of the major, else the image's under chroot) on that data as the data's owner, and a first
 *       query.</li>
 * </ul>
 */
final class Floors {
    private final Agent agent;
    private final int major;
    /** The clone image's root, exported when the host has no binaries of {@link #major} ({@link #rootfs}). */
    private Path rootfs;

    Floors(Agent agent, int major) {
        this.agent = agent;
        this.major = major;
    }

    /** Seconds of one trivial container run, as a clone's container is run. */
    double dockerRunTrivial(String template, String build, int i) throws IOException {
        CloneContainers cc = new CloneContainers(agent.config(), agent.layout(), agent.containers());
        int port = agent.ports().allocate();
        Path empty = Files.createTempDirectory("dolly-floor");
        String name = null;
        try {
            ContainerSpec s = cc.spec("floor" + i, template, build, major, "bench", port, empty.toString());
            ContainerSpec trivial = new ContainerSpec(s.name(), s.image(), List.of("true"), s.user(), s.labels(), s.binds(), s.bindIp(),
                    s.hostPort(), s.hostNetwork(), s.memoryBytes(), s.init(), s.shmBytes(), s.confinement());
            long t0 = System.nanoTime();
            name = agent.containers().create(trivial);
            agent.containers().start(name);
            int rc = agent.containers().awaitExit(name, Duration.ofSeconds(60));
            double sec = (System.nanoTime() - t0) / 1e9;
            if (rc != 0) {
                throw new IllegalStateException("the trivial container exited " + rc);
            }
            return sec;
        } finally {
            if (name != null) {
                agent.containers().removeForce(name);
            }
            agent.ports().release(port);
            Files.deleteIfExists(empty);
        }
    }

    /**
     * Seconds of zfs clone + PostgreSQL started without a container (as the data's owner, trust on loopback through a
     * pg_hba of our own) + a first query. The major's binaries are the host's when it has them, else the clone image's
     * own under {@code chroot} in a copy of the image's root ({@link #rootfs}), the clone mounted inside it: no
     * container, no namespace, the same binaries as a clone's.
     */
    double zfsClonePgStart(String template, String build, int i) throws Exception {
        Path hostBin = Path.of("/usr/lib/postgresql/" + major + "/bin/postgres");
        boolean onHost = Files.isExecutable(hostBin);
        Path root = onHost ? null : rootfs();
        String dataset = agent.layout().root() + "/floor/f" + i;
        Path sock = onHost
                ? Files.createTempDirectory("dolly-floor-sock", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")))
                : Files.createDirectories(root.resolve("floor-sock-" + i));
        Path hba = sock.resolve("pg_hba.conf");
        Files.writeString(hba, "host all all 127.0.0.1/32 trust\n");
        int port = PortPool.ephemeralLoopbackPort();
        Process pg = null;
        try {
            long t0 = System.nanoTime();
            agent.zfs().clone(agent.layout().readySnapshot(template, build), dataset,
                    onHost ? java.util.Map.of() : java.util.Map.of("mountpoint", root.resolve("floor-data-" + i).toString()));
            String mp = agent.zfs().get(dataset, List.of("mountpoint")).orElseThrow().get("mountpoint");
            int uid = (Integer) Files.getAttribute(Path.of(mp), "unix:uid");
            int gid = (Integer) Files.getAttribute(Path.of(mp), "unix:gid");
            Files.setOwner(sock, Files.getOwner(Path.of(mp)));
            List<String> settings = List.of("-c", "listen_addresses=127.0.0.1", "-c", "port=" + port, "-c", "ssl=off",
                    "-c", "logging_collector=off");
            List<String> argv = new java.util.ArrayList<>();
            if (onHost) {
                argv.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", hostBin.toString(), "-D", mp,
                        "-c", "unix_socket_directories=" + sock, "-c", "hba_file=" + hba));
            } else {
                String in = "/" + root.relativize(sock);
                argv.addAll(List.of("chroot", "--userspec=" + uid + ":" + gid, root.toString(),
                        "/usr/lib/postgresql/" + major + "/bin/postgres", "-D", "/" + root.relativize(Path.of(mp)),
                        "-c", "unix_socket_directories=" + in, "-c", "hba_file=" + in + "/pg_hba.conf"));
            }
            argv.addAll(settings);
            pg = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(sock.resolve("log").toFile()).start();
            Properties p = new Properties();
            p.setProperty("user", Passwords.AGENT_ROLE);
            p.setProperty("sslmode", "disable");
            p.setProperty("gssEncMode", "disable");
            SQLException last = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                if (!pg.isAlive()) {
                    throw new IllegalStateException("postgres " + major + " without a container exited " + pg.exitValue() + ": "
                            + Files.readString(sock.resolve("log")));
                }
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
                     Statement st = c.createStatement()) {
                    st.execute("SELECT 1");
                    return (System.nanoTime() - t0) / 1e9;
                } catch (SQLException e) {
                    last = e;
                    Thread.sleep(5);
                }
            }
            throw new IllegalStateException("postgres without a container did not answer in 60 s: " + (last == null ? "" : last.getMessage()));
        } finally {
            if (pg != null) {
                new ProcessBuilder("kill", "-INT", Long.toString(pg.pid())).start().waitFor();
                if (!pg.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    pg.destroyForcibly().waitFor();
                }
            }
            agent.zfs().destroyRecursive(dataset);
            deleteTree(sock);
        }
    }

    /**
     * The root of the clone image, exported once ({@code docker create} + {@code docker export | tar -x}) into a
     * directory of its own, for starting that major's PostgreSQL under {@code chroot}.
     */
    private Path rootfs() throws Exception {
        if (rootfs != null) {
            return rootfs;
        }
        // the root of a chroot the data's owner runs in: traversable by all, as / is
        Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "dolly-floor-root",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        String image = agent.config().imageFor(major);
        Process create = new ProcessBuilder("docker", "create", image, "true").redirectErrorStream(true).start();
        String id = new String(create.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        if (create.waitFor() != 0) {
            throw new IllegalStateException("docker create " + image + ": " + id);
        }
        try {
            List<Process> ps = ProcessBuilder.startPipeline(List.of(
                    new ProcessBuilder("docker", "export", id).redirectError(ProcessBuilder.Redirect.INHERIT),
                    new ProcessBuilder("tar", "-x", "-C", dir.toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)));
            for (Process x : ps) {
                if (x.waitFor() != 0) {
                    throw new IllegalStateException("exporting " + image + " into " + dir + " failed");
                }
            }
        } finally {
            new ProcessBuilder("docker", "rm", "-f", id).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor();
        }
        // PostgreSQL's dynamic shared memory (shm_open) lands in the chroot's /dev/shm: writable by the data's owner
        Files.setPosixFilePermissions(Files.createDirectories(dir.resolve("dev/shm")), PosixFilePermissions.fromString("rwxrwxrwx"));
        rootfs = dir;
        return dir;
    }

    /** Removes the exported image root, if one was made. */
    void close() {
        if (rootfs != null) {
            deleteTree(rootfs);
            rootfs = null;
        }
    }

    private static void deleteTree(Path dir) {
        try (var w = Files.walk(dir)) {
            for (Path x : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        } catch (IOException e) {
            System.out.println("bench: cannot remove " + dir + ": " + e.getMessage());
        }
    }

    /** Makes the parent of the host-started clones. */
    void prepare() {
        agent.zfs().create(agent.layout().root() + "/floor", java.util.Map.of());
    }
}
