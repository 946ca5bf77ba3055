package dev.dolly.agent;

import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.api.HealthResponse;
import dev.dolly.agent.api.RequestSigning;
import dev.dolly.agent.check.CheckRegistry;
import dev.dolly.agent.check.ClonesAccess;
import dev.dolly.agent.clone.ActivitySampler;
import dev.dolly.agent.clone.CloneService;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.config.TemplateConfig;
import dev.dolly.agent.docker.Containers;
import dev.dolly.agent.docker.Docker;
import dev.dolly.agent.docker.ToolContainers;
import dev.dolly.agent.docker.PostgresContainers;
import dev.dolly.agent.http.HttpApi;
import dev.dolly.agent.metrics.Metrics;
import dev.dolly.agent.pg.ClusterKeys;
import dev.dolly.agent.ports.PortPool;
import dev.dolly.agent.process.LocalProcessRunner;
import dev.dolly.agent.process.ProcessRunner;
import dev.dolly.agent.reconcile.Reconciler;
import dev.dolly.agent.refresh.LiveSourcePopulator;
import dev.dolly.agent.refresh.Populators;
import dev.dolly.agent.refresh.RefreshJobs;
import dev.dolly.agent.refresh.RefreshingTemplates;
import dev.dolly.agent.refresh.SeedPopulator;
import dev.dolly.agent.template.TemplateBuilds;
import dev.dolly.agent.template.TemplateCatalog;
import dev.dolly.agent.zfs.Zfs;
import dev.dolly.agent.zfs.ZfsCommands;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host agent, wired: process runner → ZFS driver, one docker client → containers, port pool,
 * template catalog and builds, refresh jobs, clone service, reconciler, activity sampler,
 * metrics and the signed HTTP API. {@link #start()} reconciles first, then serves.
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    public static final String VERSION = versionOf();

    private final AgentConfig config;
    private final Clock clock;
    private final Layout layout;
    private final Zfs zfs;
    private final Containers containers;
    private final PostgresContainers pg;
    private final PortPool ports;
    private final TemplateCatalog catalog;
    private final TemplateBuilds builds;
    private final RefreshJobs jobs;
    private final CloneService clones;
    private final ActivitySampler sampler;
    private final Reconciler reconciler;
    private final CheckRegistry checks;
    private final Metrics metrics = new Metrics();
    private final AgentHealth health;
    private HttpApi http;
    private dev.dolly.agent.http.CallbackNotifier callback;
    private int httpPort = -1;

    public Agent(AgentConfig config, Map<String, String> env, Clock clock) {
        if (config.secret() == null || config.secret().length < 16) {
            throw new IllegalArgumentException("the agent secret is missing or shorter than 16 bytes: set the environment variable "
                    + config.secretEnv() + " (agent.secretEnv)");
        }
        this.config = config;
        this.clock = clock;
        ProcessRunner runner = new LocalProcessRunner();
        this.layout = new Layout(config.pool());
        this.zfs = new Zfs(runner, new ZfsCommands(config.zfsBinary()), Duration.ofSeconds(15));
        this.containers = new Containers(Docker.forHost(config.dockerHost()));
        this.pg = new PostgresContainers(containers, runner);
        ClusterKeys keys = new ClusterKeys(config.secret(), ds -> zfs.get(ds, List.of("guid")).map(e -> e.get("guid"))
                .orElseThrow(() -> new AgentException(ErrorCode.INTERNAL, "dataset " + ds + " has no guid (is it gone?)")));
        this.ports = new PortPool(config.portFrom(), config.portTo());
        this.catalog = new TemplateCatalog(config, layout, zfs);
        this.builds = new TemplateBuilds(config, layout, zfs, pg, catalog, keys, clock);
        this.jobs = new RefreshJobs(config, builds, populators(config, runner, env), clock, metrics);
        this.clones = new CloneService(config, layout, zfs, pg, ports, catalog, keys, clock, metrics);
        this.sampler = new ActivitySampler(clones, zfs, clock);
        this.reconciler = new Reconciler(config, layout, zfs, containers, clones, builds, catalog, ports);
        this.checks = new CheckRegistry(id -> ClonesAccess.of(clones, containers, id), clock);
        this.health = new AgentHealth(config, layout, zfs, containers, jobs, () -> clones.records().size());
        AgentGauges gauges = new AgentGauges(config, layout, zfs, clones, catalog, jobs, clock);
        gauges.bindTo(metrics, ports);
        gauges.bindHealth(metrics, () -> health.check(VERSION).degraded());
    }

    /**
     * The agent's populators: a template with {@code source} is a live-source refresh (registered
     * first), one with {@code seed} is applied from SQL files. {@code env} holds the agent's
     * environment (source passwords and masking salts come from it).
     */
    public static Populators populators(AgentConfig config, ProcessRunner runner, Map<String, String> env) {
        return new Populators()
                .register(TemplateConfig::hasSource, new LiveSourcePopulator(runner, env::get, config,
                        new ToolContainers(Docker.forHost(config.dockerHost()), new Layout(config.pool()),
                                config.network() == AgentConfig.Network.HOST)))
                .register(TemplateConfig::hasSeed, new SeedPopulator(runner));
    }

    /** Reconciles, starts the activity sampler and the HTTP API, and builds missing seed templates when configured to. */
    public Reconciler.Report start() throws IOException {
        Reconciler.Report report = reconciler.reconcile();
        clones.spares().start(); // warm spares of every template's current snapshot, in the background
        sampler.start(config.activityInterval());
        http = new HttpApi(clones, new RefreshingTemplates(catalog, jobs), this::health, metrics::render,
                new RequestSigning.Verifier(config.secret(), config.name(), clock,
                        new dev.dolly.agent.http.FileReplayMemory(config.workDir().resolve("replay-memory." + layout.rootSlug()), clock.instant())),
                checks, metrics);
        httpPort = http.start(config.listenHost(), config.listenPort());
        log.info("Dolly host agent {} listening on {}:{} (dataset root {}, clone ports {}-{})", VERSION, config.listenHost(), httpPort,
                config.pool(), config.portFrom(), config.portTo());
        if (config.callback() != null) {
            callback = new dev.dolly.agent.http.CallbackNotifier(config.callback().url(), config.name(), config.secret(), clock);
            jobs.onChange(callback::job);
            callback.startHeartbeats(config.callback().heartbeat(), this::health);
            log.info("pushing refresh jobs and heartbeats (every {}) to {} as host {}", config.callback().heartbeat(),
                    config.callback().url(), config.name());
        }
        if (config.buildMissingTemplates()) {
            for (TemplateConfig t : config.templates().values()) {
                if ((t.hasSeed() || t.hasSource()) && catalog.current(t.name()).isEmpty()) {
                    log.info("template {} has no snapshot yet: starting its first build", t.name());
                    try {
                        jobs.start(t.name(), null);
                    } catch (RuntimeException e) {
                        log.warn("cannot start the first build of template {}: {}", t.name(), e.getMessage());
                    }
                }
            }
        }
        return report;
    }

    /** {@code ok}, {@code pool-full} (below agent.minFree), {@code degraded: zfs} or {@code degraded: docker}, and what is degraded and why. */
    public HealthResponse health() {
        return health.check(VERSION);
    }

    public int httpPort() { return httpPort; }

    public AgentConfig config() { return config; }

    public Layout layout() { return layout; }

    public Zfs zfs() { return zfs; }

    public Containers containers() { return containers; }

    public PostgresContainers postgres() { return pg; }

    public PortPool ports() { return ports; }

    public TemplateCatalog catalog() { return catalog; }

    public TemplateBuilds builds() { return builds; }

    public RefreshJobs jobs() { return jobs; }

    public CloneService clones() { return clones; }

    public ActivitySampler sampler() { return sampler; }

    public Reconciler reconciler() { return reconciler; }

    public CheckRegistry checks() { return checks; }

    public Metrics metrics() { return metrics; }

    public Clock clock() { return clock; }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        sampler.close();
        checks.close();
        jobs.close();
        if (callback != null) {
            callback.close();
        }
        clones.close();
        metrics.close();
    }

    private static String versionOf() {
        String v = Agent.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
