package dev.dolly.agent.template;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.Layout;
import dev.dolly.agent.Names;
import dev.dolly.agent.PoolReserve;
import dev.dolly.agent.Props;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.api.SnapshotView;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.config.TemplateConfig;
import dev.dolly.agent.docker.ContainerSpec;
import dev.dolly.agent.docker.ContainerState;
import dev.dolly.agent.docker.Containers;
import dev.dolly.agent.docker.PostgresContainers;
import dev.dolly.agent.pg.ClusterAdmin;
import dev.dolly.agent.pg.ClusterFiles;
import dev.dolly.agent.pg.ClusterKeys;
import dev.dolly.agent.pg.PgConnect;
import dev.dolly.agent.pg.Passwords;
import dev.dolly.agent.ports.PortPool;
import dev.dolly.agent.zfs.Zfs;
import dev.dolly.agent.zfs.ZfsEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one build path for template snapshots (seed builds and live-source refreshes alike):
 * <ol>
 * <li>{@link #start}: a NEW dataset {@code <root>/templates/<t>/<build-id>}, {@code initdb} in a
 *     container from the image (as postgres, uid 999; the agent's superuser {@code dolly_agent}
 *     gets a SCRAM verifier of this build's own password, derived from the agent secret and the
 *     build dataset's guid: {@link ClusterKeys}), then a temporary
 *     non-durable build server published on 127.0.0.1 only, with the template database created;</li>
 * <li>a populator (package {@code refresh}) fills it;</li>
 * <li>{@link #finish}: CHECKPOINT, clean shutdown (checked), snapshot {@code @ready}, promote to
 *     current, apply retention;</li>
 * <li>or {@link #discard}: container and dataset gone, the previous snapshot keeps serving.</li>
 * </ol>
 */
public class TemplateBuilds {
    private static final Logger log = LoggerFactory.getLogger(TemplateBuilds.class);
    private static final DateTimeFormatter BUILD_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'-'HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    private final AgentConfig config;
    private final Layout layout;
    private final Zfs zfs;
    private final PostgresContainers pg;
    private final Containers containers;
    private final TemplateCatalog catalog;
    private final Clock clock;
    private final ClusterKeys keys;

    public TemplateBuilds(AgentConfig config, Layout layout, Zfs zfs, PostgresContainers pg, TemplateCatalog catalog, ClusterKeys keys, Clock clock) {
        this.config = config;
        this.layout = layout;
        this.zfs = zfs;
        this.pg = pg;
        this.containers = pg.containers();
        this.catalog = catalog;
        this.keys = keys;
        this.clock = clock;
    }

    /** A new build id: {@code b<utc yyyymmdd-hhmmss>-<4 hex>}, sortable by time. */
    public String newBuildId() {
        byte[] r = new byte[2];
        RANDOM.nextBytes(r);
        return "b" + BUILD_STAMP.format(clock.instant()) + "-" + HexFormat.of().formatHex(r);
    }

    /** The non-durable settings of a build server (nothing in a build needs to survive a crash). */
    Map<String, String> buildSettings() {
        long mem = config.buildMemoryBytes() > 0 ? config.buildMemoryBytes() : 2L << 30;
        Map<String, String> s = new LinkedHashMap<>();
        s.put("fsync", "off");
        s.put("full_page_writes", "off");
        s.put("synchronous_commit", "off");
        s.put("wal_level", "minimal");
        s.put("max_wal_senders", "0");
        s.put("archive_mode", "off");
        s.put("autovacuum", "off");
        s.put("shared_buffers", Math.max(32, Math.min(1024, mem / 4 >> 20)) + "MB");
        s.put("maintenance_work_mem", Math.max(64, Math.min(1024, mem / 4 >> 20)) + "MB");
        s.put("max_wal_size", "2GB");
        s.put("checkpoint_timeout", "30min");
        s.put("max_connections", "50");
        return s;
    }

    /**
     * Makes the dataset, initdb, starts the build server (the image of PostgreSQL {@code major})
     * and creates the template database. Cleans up on failure.
     */
    public BuildServer start(TemplateConfig t, String buildId, int major) {
        String template = Names.template(t.name());
        Names.buildId(buildId);
        String database = Names.database(t.database());
        String dataset = layout.build(template, buildId);
        String image = t.image() != null ? t.image() : config.imageFor(major);
        if (!containers.imageExists(image)) {
            throw new AgentException(ErrorCode.REFRESH_FAILED, "template " + template + " runs PostgreSQL " + major + " but the image "
                    + image + " is not on this host; build it with  DOLLY_PG_MAJORS=" + major + " ./dolly setup  (or set agent.images."
                    + major + ")");
        }
        new PoolReserve(config, layout, zfs).check("a refresh of template " + template);
        Path bootDir = null;
        try {
            zfs.create(layout.template(template), Map.of());
            Map<String, String> props = new LinkedHashMap<>();
            props.put(Props.STATE, Props.STATE_BUILDING);
            props.put(Props.TEMPLATE, template);
            props.put(Props.DATABASE, database);
            props.put(Props.POSTGRES, Integer.toString(major));
            props.put(Props.KEYS, Props.KEYS_CLUSTER);
            props.put(Props.CREATED, clock.instant().toString());
            zfs.create(dataset, props);
            Path mountpoint = mountpoint(dataset);
            chownForPostgres(mountpoint, "rwx------");

            // initdb as postgres; the agent's superuser gets a verifier (never the password) via --pwfile
            bootDir = Files.createDirectories(config.workDir()).resolve(bootDirName(template, buildId));
            Files.createDirectories(bootDir);
            Path pw = bootDir.resolve("pw");
            char[] password = keys.password(dataset); // this build's own: opens no other cluster
            Files.writeString(pw, Passwords.scramVerifier(password) + "\n", StandardCharsets.UTF_8);
            chownForPostgres(pw, "r--------");
            chownForPostgres(bootDir, "r-x------");
            Map<String, String> labels = layout.labels(Layout.KIND_INIT);
            labels.put(Layout.LABEL_TEMPLATE, template);
            labels.put(Layout.LABEL_BUILD, buildId);
            pg.runOnce("initdb for template " + template, new ContainerSpec(layout.initContainer(template, buildId), image,
                    List.of("initdb", "-D", "/pgdata", "-U", Passwords.AGENT_ROLE, "--pwfile=/dolly-boot/pw",
                            "-E", "UTF8", "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-instructions"),
                    "postgres", labels, Map.of(mountpoint.toString(), "/pgdata", bootDir.toString(), "/dolly-boot:ro"),
                    null, 0, false, 0), Duration.ofMinutes(5));
            deleteTree(bootDir);
            bootDir = null;
            writeHba(mountpoint);

            int port = PortPool.ephemeralLoopbackPort();
            labels = layout.labels(Layout.KIND_BUILD);
            labels.put(Layout.LABEL_TEMPLATE, template);
            labels.put(Layout.LABEL_BUILD, buildId);
            boolean hostNet = config.network() == AgentConfig.Network.HOST;
            ContainerSpec spec = new ContainerSpec(layout.buildContainer(template, buildId), image,
                    PostgresContainers.serverCommand(hostNet ? "127.0.0.1" : "*", hostNet ? port : 5432, buildSettings()),
                    "postgres", labels, Map.of(mountpoint.toString(), "/pgdata"), "127.0.0.1", port, hostNet,
                    config.buildMemoryBytes(), false, Math.max(256L << 20, config.buildMemoryBytes() / 2),
                    ContainerSpec.Confinement.DEFAULT.onNetwork(config.isolation().dockerNetwork()));
            PostgresContainers.Started s = pg.createAndAwait("build server for template " + template, spec, port, "postgres",
                    password, config.buildReadyTimeout());
            try (Connection c = s.connection(); Statement st = c.createStatement()) {
                if (!ClusterAdmin.databaseExists(c, database)) {
                    st.execute("CREATE DATABASE " + PgConnect.ident(database));
                }
            }
            log.info("template {}: build {} started on 127.0.0.1:{}", template, buildId, port);
            return new BuildServer(template, buildId, dataset, mountpoint, s.containerId(), "127.0.0.1", port,
                    Passwords.AGENT_ROLE, password, database);
        } catch (IOException e) {
            discard(template, buildId);
            throw new AgentException(ErrorCode.REFRESH_FAILED, "cannot prepare the build of template " + template + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            discard(template, buildId);
            throw new AgentException(ErrorCode.REFRESH_FAILED, "cannot create database " + database + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            discard(template, buildId);
            throw e;
        } finally {
            if (bootDir != null) {
                deleteTree(bootDir);
            }
        }
    }

    /** CHECKPOINT, clean shutdown, {@code @ready}, promote to current, retention. Discards the build when any step fails. */
    public SnapshotView finish(BuildServer s) {
        try {
            try (Connection c = s.connect("postgres")) {
                ClusterAdmin.checkpoint(c);
            }
            containers.stop(s.containerId(), Duration.ofMinutes(5));
            ContainerState st = containers.inspect(s.containerId()).orElse(null);
            if (st == null || st.running() || st.exitCode() == null || st.exitCode() != 0) {
                throw new AgentException(ErrorCode.REFRESH_FAILED, "the build server of template " + s.template()
                        + " did not shut down cleanly" + pg.diagnosis(s.containerId()));
            }
            if (Files.exists(s.mountpoint().resolve("postmaster.pid"))) {
                throw new AgentException(ErrorCode.REFRESH_FAILED, "the build server of template " + s.template()
                        + " left postmaster.pid behind: not a clean shutdown");
            }
            containers.removeForce(s.containerId());
            zfs.snapshot(s.dataset() + "@" + Layout.READY);
            zfs.set(s.dataset(), Props.STATE, Props.STATE_READY);
            catalog.promote(s.template(), s.buildId());
            log.info("template {}: snapshot {} is ready and current", s.template(), s.buildId());
            try {
                catalog.applyRetention(s.template());
            } catch (RuntimeException e) {
                log.warn("template {}: retention failed (it runs again after the next clone destroy): {}", s.template(), e.getMessage());
            }
            TemplateCatalog.Build b = catalog.readyBuild(s.template(), s.buildId());
            return new SnapshotView(s.template(), s.buildId(), b.createdAt(), b.referencedBytes(), true, List.of(), b.major());
        } catch (SQLException e) {
            discard(s);
            throw new AgentException(ErrorCode.REFRESH_FAILED, "CHECKPOINT failed on the build server of " + s.template() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            discard(s);
            throw e;
        }
    }

    /** Stops the build server and destroys its dataset. Never throws. */
    public void discard(BuildServer s) {
        discard(s.template(), s.buildId());
    }

    /** Removes whatever a build left (containers by name, dataset, boot files). Never throws; works on an interrupted thread too. */
    public void discard(String template, String buildId) {
        boolean interrupted = Thread.interrupted(); // a cancelled job's thread: clean up first, keep the flag
        try {
            discardNow(template, buildId);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void discardNow(String template, String buildId) {
        try {
            containers.removeForce(layout.buildContainer(template, buildId));
            containers.removeForce(layout.initContainer(template, buildId));
        } catch (RuntimeException e) {
            log.warn("discard {}/{}: cannot remove its containers: {}", template, buildId, e.getMessage());
        }
        try {
            zfs.destroyRecursive(layout.build(template, buildId));
        } catch (RuntimeException e) {
            log.warn("discard {}/{}: cannot destroy its dataset: {}", template, buildId, e.getMessage());
        }
        try {
            deleteTree(config.workDir().resolve(bootDirName(template, buildId)));
        } catch (RuntimeException e) {
            log.warn("discard {}/{}: cannot delete its boot files: {}", template, buildId, e.getMessage());
        }
        log.info("template {}: build {} discarded", template, buildId);
    }

    /** Where initdb's password file lives for a moment: {@code <workDir>/boot.<root>@<template>@<build>}. */
    public String bootDirName(String template, String buildId) {
        return "boot." + layout.rootSlug() + "@" + template + "@" + buildId;
    }

    /** True when the dataset root is into its reserve ({@code agent.poolReserve}, at least {@code agent.minFree}). */
    public boolean poolFull() {
        return new PoolReserve(config, layout, zfs).exhausted();
    }

    private Path mountpoint(String dataset) {
        ZfsEntry e = zfs.get(dataset, List.of("mountpoint"))
                .orElseThrow(() -> new AgentException(ErrorCode.INTERNAL, "dataset " + dataset + " vanished"));
        String mp = e.get("mountpoint");
        if (mp == null || !mp.startsWith("/")) {
            throw new AgentException(ErrorCode.INTERNAL, "dataset " + dataset + " is not mounted (mountpoint " + mp + ")");
        }
        return Path.of(mp);
    }

    private void writeHba(Path pgdata) throws IOException {
        ClusterFiles.writeHba(pgdata, config.postgresUid(), config.postgresGid());
    }

    private void chownForPostgres(Path p, String perms) throws IOException {
        ClusterFiles.chown(p, config.postgresUid(), config.postgresGid(), perms);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
