package dev.dolly.functions;

import dev.dolly.control.api.CloneState;
import dev.dolly.control.api.Notifier;
import dev.dolly.functions.agent.AgentClients;
import dev.dolly.functions.auth.Authorizer;
import dev.dolly.functions.config.ConfigLoader;
import dev.dolly.functions.config.DollyConfig;
import dev.dolly.functions.config.Secrets;
import dev.dolly.functions.service.CommandService;
import dev.dolly.functions.service.HostMonitor;
import dev.dolly.functions.service.Idempotency;
import dev.dolly.functions.service.Placement;
import dev.dolly.functions.service.Reaper;
import dev.dolly.functions.service.RefreshTracker;
import dev.dolly.functions.store.CloneItem;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.Dynamo;
import dev.dolly.functions.web.CiWebhook;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole control plane without Spring, on DynamoDB Local embedded in memory (in-process: fast
 * tests may use it). Hosts come from the YAML; agents are real or, for failure cases, WireMock.
 */
public final class Harness implements AutoCloseable {
    public final MutableClock clock;
    public final DollyConfig config;
    public final Dynamo dynamo;
    public final DollyStore store;
    public final AgentClients agents;
    public final Authorizer auth;
    public final HostMonitor monitor;
    public final Placement placement;
    public final RefreshTracker refreshes;
    public final CommandService service;
    public final Reaper reaper;
    public final CiWebhook webhook;
    public final Idempotency idempotency;
    public final DollyConfiguration.NotifierRef notifier = new DollyConfiguration.NotifierRef();

    public Harness(String yaml, MutableClock clock, AgentClients.Settings settings) {
        this.clock = clock;
        this.config = ConfigLoader.fromYaml(yaml);
        this.dynamo = Dynamo.open("embedded", null, null);
        dynamo.ensureTable("dolly");
        this.store = new DollyStore(dynamo.client(), "dolly", clock);
        Secrets secrets = Secrets.of(Map.of());
        Map<String, String> hostSecrets = DollyConfiguration.hostSecrets(config, secrets);
        List<AgentClients.Host> hosts = new ArrayList<>();
        Map<String, String> urls = new LinkedHashMap<>();
        config.hosts().forEach(h -> {
            hosts.add(new AgentClients.Host(h.name(), h.url(), hostSecrets.get(h.name())));
            urls.put(h.name(), h.url());
        });
        this.agents = new AgentClients(hosts, settings, clock);
        this.auth = new Authorizer(config);
        this.monitor = new HostMonitor(store, agents, urls, clock);
        this.placement = new Placement(store, agents, monitor);
        this.refreshes = new RefreshTracker(store, agents, monitor, notifier, clock);
        this.idempotency = new Idempotency(store, clock);
        this.service = new CommandService(config, auth, store, agents, placement, monitor, refreshes, idempotency, clock);
        service.checks().notifier(notifier);
        this.reaper = new Reaper(config, store, agents, monitor, service, refreshes, notifier, clock, Duration.ofHours(1));
        this.webhook = new CiWebhook(config, secrets, service, idempotency, clock);
    }

    public Harness(String yaml) {
        this(yaml, MutableClock.systemNow(), AgentClients.Settings.defaults());
    }

    public void notifier(Notifier n) { notifier.set(n); }

    /** Records a READY clone directly (as if created earlier), charging its owner's quota. */
    public CloneItem seedClone(String id, String ownerKey, String template, String host, Duration ttl) {
        Instant now = clock.instant();
        CloneItem c = CloneItem.create(id, ownerKey);
        c.setState(CloneState.READY);
        c.setTemplate(template);
        c.setSnapshot("s1");
        c.setHostName(host);
        c.setConnectHost("localhost");
        c.setPort(6001);
        c.setDatabase(template);
        c.setUser("dolly");
        c.setCreatedAt(now);
        c.setStateSince(now);
        c.setLastActivityAt(now);
        c.setExpiresAt(now.plus(ttl));
        c.setFront("CI");
        if (store.createCharging(c, Integer.MAX_VALUE) != DollyStore.CreateOutcome.CREATED) throw new IllegalStateException("seed " + id);
        return store.clone(id);
    }

    /** Records a host as healthy and holding {@code template}'s snapshot {@code s1} (as a heartbeat would). */
    public void seedHealthyHost(String host, String template) {
        store.updateHost(host, h -> {
            h.setHealthy(true);
            h.setLastHeartbeat(clock.instant());
            h.setConnectHost("localhost");
            h.setFreeBytes(1L << 30);
            h.setSnapshots(List.of(template + "/s1"));
            h.setCurrentSnapshots(List.of(template + "/s1"));
        });
    }

    @Override
    public void close() {
        idempotency.close();
        agents.close();
        dynamo.close();
    }

    /** A config with templates shop and crm, and the standard grants used by tests. */
    public static String yaml(String hostsSection) {
        return """
                templates:
                  shop:
                    database: shop
                    description: Demo shop
                    clone: { ttl: 8h, maxTtl: 72h, idle: 4h }
                  crm:
                    database: crm
                    clone: { ttl: 2h, maxTtl: 24h }
                %s
                grants:
                  - role: admin
                    templates: [shop]
                    slackUsers: [UADMIN]
                    ciKeys: [ci-admin]
                  - role: developer
                    templates: [shop]
                    slackUsers: [UDEV, UDEV2]
                    slackGroups: [SDEVS]
                    ciKeys: [ci-dev, ci-dev2]
                    maxClones: 3
                    maxTtl: 24h
                  - role: viewer
                    templates: [shop]
                    slackUsers: [UVIEW]
                    ciKeys: [ci-view]
                ciKeys:
                  - { id: ci-admin, secret: admin-secret }
                  - { id: ci-dev, secret: dev-secret }
                  - { id: ci-dev2, secret: dev2-secret }
                  - { id: ci-view, secret: view-secret }
                  - { id: ci-none, secret: none-secret }
                """.formatted(hostsSection);
    }
}
