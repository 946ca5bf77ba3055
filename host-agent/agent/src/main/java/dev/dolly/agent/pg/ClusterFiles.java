package dev.dolly.agent.pg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Host-side file work on a cluster's PGDATA (the dataset mountpoint): ownership for the container's postgres user, pg_hba.conf. */
public final class ClusterFiles {
    /**
     * Unix socket (inside the container only): trust. TCP from anywhere: SCRAM. The container
     * sees connections through its published port as coming from the docker bridge, so host
     * rules must not be limited to loopback.
     */
    public static final String PG_HBA = """
            # written by the Dolly host agent
            # the unix socket is only reachable inside the container
            local   all   all                 trust
            host    all   all   0.0.0.0/0     scram-sha-256
            host    all   all   ::/0          scram-sha-256
            """;

    private ClusterFiles() {}

    public static void writeHba(Path pgdata, int uid, int gid) throws IOException {
        Path hba = pgdata.resolve("pg_hba.conf");
        Files.writeString(hba, PG_HBA, StandardCharsets.UTF_8);
        chown(hba, uid, gid, "rw-------");
    }

    /** chown uid:gid and chmod, as root on the host. */
    public static void chown(Path p, int uid, int gid, String perms) throws IOException {
        Files.setAttribute(p, "unix:uid", uid);
        Files.setAttribute(p, "unix:gid", gid);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }
}
