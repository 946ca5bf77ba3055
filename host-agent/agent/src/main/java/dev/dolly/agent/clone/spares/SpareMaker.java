package dev.dolly.agent.clone.spares;

import dev.dolly.agent.Faults;
import dev.dolly.agent.Layout;
import dev.dolly.agent.Phases;
import dev.dolly.agent.PoolReserve;
import dev.dolly.agent.Props;
import dev.dolly.agent.clone.CloneProperties;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.config.TemplateConfig;
import dev.dolly.agent.docker.CloneContainers;
import dev.dolly.agent.docker.ContainerInfo;
import dev.dolly.agent.docker.Containers;
import dev.dolly.agent.docker.PostgresContainers;
import dev.dolly.agent.pg.ClusterAdmin;
import dev.dolly.agent.pg.ClusterKeys;
import dev.dolly.agent.pg.Passwords;
import dev.dolly.agent.pg.PgConnect;
import dev.dolly.agent.ports.PortPool;
import dev.dolly.agent.template.TemplateCatalog;
import dev.dolly.agent.zfs.Zfs;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes and removes one warm spare. Making one is a clone's create without an owner: {@code zfs clone} of the build's
 * {@code @ready} with the template's properties (state {@code spare}), {@code @created} before the server first
 * starts, the clone container (same image, confinement, network and port policy as a clone's), the agent's role moved
 * from the build's key to the spare's own, and a connection kept open for the take.
 */
public final class SpareMaker {
    private static final Logger log = LoggerFactory.getLogger(SpareMaker.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AgentConfig config;
    private final Layout layout;
    private final Zfs zfs;
    private final PostgresContainers pg;
    private final Containers containers;
    private final CloneContainers cloneContainers;
    private final PortPool ports;
    private final TemplateCatalog catalog;
    private final ClusterKeys keys;
    private final PoolReserve reserve;

    public SpareMaker(AgentConfig config, Layout layout, Zfs zfs, PostgresContainers pg, CloneContainers cloneContainers, PortPool ports,
                      TemplateCatalog catalog, ClusterKeys keys, PoolReserve reserve) {
        this.config = config;
        this.layout = layout;
        this.zfs = zfs;
        this.pg = pg;
        this.containers = pg.containers();
        this.cloneContainers = cloneContainers;
        this.ports = ports;
        this.catalog = catalog;
        this.keys = keys;
        this.reserve = reserve;
    }

    /** The template's current snapshot, if it has one. */
    Optional<String> current(String template) {
        return catalog.current(template);
    }

    /** Applies the template's retention (logged, never thrown). */
    void retention(String template) {
        try {
            catalog.applyRetention(template);
        } catch (RuntimeException e) {
            log.warn("spares: retention of {}: {}", template, e.getMessage());
        }
    }

    /** The agent's password of a spare's (or its clone's) cluster. */
    char[] ownKey(String dataset) {
        return keys.password(dataset, null);
    }

    /** A new ready spare of build {@code build} of template {@code t}; empty (logged) when it cannot be made now. */
    Optional<Spare> make(TemplateConfig t, String build) {
        String template = t.name();
        if (reserve.exhausted()) {
            log.info("spares: the pool is nearly full (agent.poolReserve): no spare of {} now", template);
            return Optional.empty();
        }
        byte[] r = new byte[5];
        RANDOM.nextBytes(r);
        String key = Layout.spareKey(HexFormat.of().formatHex(r));
        String dataset = layout.clone(key);
        int port;
        try {
            port = ports.allocate();
        } catch (RuntimeException e) {
            log.info("spares: no free clone port for a spare of {} ({})", template, e.getMessage());
            return Optional.empty();
        }
        Phases phases = new Phases();
        Connection conn = null;
        try {
            int major = catalog.withRead(template, () -> {
                TemplateCatalog.Build b = catalog.readyBuild(template, build);
                Map<String, String> props = CloneProperties.ofTemplate(Props.STATE_SPARE, port, t, build, b.major());
                zfs.clone(layout.readySnapshot(template, build), dataset, props);
                return b.major();
            });
            phases.mark("zfs clone");
            Faults.step("spare.after-zfs-clone");
            zfs.snapshot(Layout.createdOf(dataset));
            phases.mark("snapshot");
            String mountpoint = zfs.get(dataset, List.of("mountpoint")).map(e -> e.get("mountpoint")).orElseThrow();
            String containerId = containers.create(cloneContainers.spareSpec(key, template, build, major, port, mountpoint));
            phases.mark("docker create");
            Faults.step("spare.after-docker-create");
            PostgresContainers.Started s = pg.startAndAwait("spare " + key, containerId, port, t.database(),
                    keys.password(layout.build(template, build)), config.readyTimeout(), phases);
            char[] own = ownKey(dataset);
            try {
                try (Connection first = s.connection()) {
                    ClusterAdmin.setAgentVerifier(first, Passwords.scramVerifier(own));
                }
                // kept for the take, on the clone's database: the owner gets it through this login, and its relation
                // cache is built now rather than on the owner's first query
                conn = PgConnect.connect("127.0.0.1", port, t.database(), Passwords.AGENT_ROLE, own, 120);
            } finally {
                Arrays.fill(own, '\0');
            }
            phases.mark("own key");
            Faults.step("spare.after-ready");
            log.info("spares: spare {} of {}/{} ready on port {} in {}", key, template, build, port, phases);
            return Optional.of(new Spare(key, template, build, dataset, port, containerId, conn));
        } catch (RuntimeException | SQLException e) {
            log.warn("spares: cannot make a spare of {}/{}: {}", template, build, e.getMessage());
            if (conn != null) {
                try {
                    conn.close();
                } catch (SQLException ignored) {
                    // going anyway
                }
            }
            remove(key, dataset, port);
            return Optional.empty();
        }
    }

    /** Removes spare {@code key}: its containers (by label, renamed or not), its dataset, its port (0: none held). */
    void remove(String key, String dataset, int port) {
        try {
            for (ContainerInfo c : cloneContainers.ofSpare(key)) {
                containers.removeForce(c.id());
            }
            containers.removeForce(layout.spareContainer(key));
            zfs.destroyRecursive(dataset);
            keys.forget(dataset);
        } catch (RuntimeException e) {
            log.warn("spares: cannot remove spare {} ({}); the next start does", key, e.getMessage());
        } finally {
            if (port > 0) {
                ports.release(port);
            }
        }
    }
}
