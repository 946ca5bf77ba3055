package dev.dolly.functions;

import dev.dolly.control.api.Notifier;
import dev.dolly.functions.agent.AgentClients;
import dev.dolly.functions.auth.Authorizer;
import dev.dolly.functions.config.ConfigLoader;
import dev.dolly.functions.config.DollyConfig;
import dev.dolly.functions.config.Secrets;
import dev.dolly.functions.metrics.ControlMeters;
import dev.dolly.functions.metrics.SignedFronts;
import dev.dolly.functions.service.CommandService;
import dev.dolly.functions.service.Idempotency;
import dev.dolly.functions.service.HostMonitor;
import dev.dolly.functions.service.Placement;
import dev.dolly.functions.service.Reaper;
import dev.dolly.functions.service.RefreshTracker;
import dev.dolly.functions.events.WebhookDeliveries;
import dev.dolly.functions.events.WebhookSettings;
import dev.dolly.functions.store.DeliveryStore;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.Dynamo;
import dev.dolly.functions.store.ReplayStore;
import dev.dolly.functions.web.AgentCallback;
import dev.dolly.functions.web.CiWebhook;
import dev.dolly.functions.web.SlackEntry;
import dev.dolly.functions.web.UserApi;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the control plane from {@link DollySettings} and the shared YAML. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DollySettings.class)
public class DollyConfiguration {
    /** Environment variable holding an agent's secret when a host names none. */
    public static final String DEFAULT_AGENT_SECRET_ENV = "DOLLY_AGENT_SECRET";

    /** The notifier in force: Notifier.NONE until a front (Slack) installs its own. */
    public static final class NotifierRef implements Supplier<Notifier> {
        private final AtomicReference<Notifier> ref = new AtomicReference<>(Notifier.NONE);

        public void set(Notifier n) { ref.set(n == null ? Notifier.NONE : n); }

        @Override
        public Notifier get() { return ref.get(); }
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    Secrets secrets() {
        return Secrets.fromEnvironment();
    }

    @Bean
    @ConditionalOnMissingBean
    DollyConfig dollyConfig(DollySettings s, Secrets secrets) {
        DollyConfig c;
        if (s.configYaml() != null && !s.configYaml().isBlank()) {
            c = ConfigLoader.fromYaml(s.configYaml());
        } else {
            String location = s.config() == null || s.config().isBlank() ? "config/dolly.yaml" : s.config();
            if (System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null && !new java.io.File(location).isFile() && !location.startsWith("classpath:")) {
                // on Lambda without DOLLY_CONFIG / DOLLY_CONFIG_YAML: a bundled dolly.yaml, else nothing (deny all)
                boolean bundled = DollyConfiguration.class.getClassLoader().getResource("dolly.yaml") != null;
                if (!bundled) org.slf4j.LoggerFactory.getLogger(DollyConfiguration.class)
                        .warn("no config (set DOLLY_CONFIG_YAML or bundle dolly.yaml): no templates, no grants — every command is refused");
                c = bundled ? ConfigLoader.load("classpath:dolly.yaml") : ConfigLoader.fromYaml("{}");
            } else {
                c = ConfigLoader.load(location);
            }
        }
        return withHostsFromEnvironment(c, secrets.env("DOLLY_HOSTS"));
    }

    /** Adds the hosts of {@code DOLLY_HOSTS} ({@code name=url,name=url}) that the YAML does not name. */
    static DollyConfig withHostsFromEnvironment(DollyConfig c, String hostsEnv) {
        if (hostsEnv == null || hostsEnv.isBlank()) return c;
        List<DollyConfig.HostConfig> hosts = new ArrayList<>(c.hosts());
        for (String pair : hostsEnv.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) continue;
            String name = pair.substring(0, eq).trim();
            if (hosts.stream().noneMatch(h -> name.equals(h.name()))) {
                hosts.add(new DollyConfig.HostConfig(name, pair.substring(eq + 1).trim(), null, null));
            }
        }
        return new DollyConfig(c.templates(), hosts, c.grants(), c.ciKeys(), c.slack(), c.events());
    }

    @Bean(destroyMethod = "close")
    Dynamo dynamo(DollySettings s) {
        String endpoint = s.dynamodb().endpoint();
        if (endpoint == null || endpoint.isBlank()) {
            endpoint = System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null ? "aws" : "embedded";
        }
        Dynamo d = Dynamo.open(endpoint, s.dynamodb().region(), s.dynamodb().localFile());
        if (!endpoint.equals("aws")) {
            d.ensureTable(s.dynamodb().tableOrDefault());
        }
        return d;
    }

    @Bean
    DollyStore dollyStore(Dynamo dynamo, DollySettings s, Clock clock) {
        return new DollyStore(dynamo.client(), s.dynamodb().tableOrDefault(), clock);
    }

    static Map<String, String> hostSecrets(DollyConfig config, Secrets secrets) {
        Map<String, String> out = new LinkedHashMap<>();
        for (DollyConfig.HostConfig h : config.hosts()) {
            String env = h.secretEnv() == null || h.secretEnv().isBlank() ? DEFAULT_AGENT_SECRET_ENV : h.secretEnv();
            String secret = secrets.resolve(env, h.secret());
            if (secret == null) {
                throw new IllegalStateException("host " + h.name() + ": no agent secret; set " + env);
            }
            out.put(h.name(), secret);
        }
        return out;
    }

    @Bean(destroyMethod = "close")
    AgentClients agentClients(DollyConfig config, Secrets secrets, DollySettings s, Clock clock) {
        Map<String, String> hs = hostSecrets(config, secrets);
        List<AgentClients.Host> hosts = new ArrayList<>();
        for (DollyConfig.HostConfig h : config.hosts()) {
            if (h.name() == null || h.url() == null) throw new IllegalStateException("each host needs a name and a url: " + h);
            hosts.add(new AgentClients.Host(h.name(), h.url(), hs.get(h.name())));
        }
        AgentClients.Settings settings = AgentClients.Settings.defaults();
        DollySettings.Agent a = s.agent();
        if (a.quickTimeout() != null || a.slowTimeout() != null) {
            settings = settings.withTimeouts(a.quickTimeout() != null ? a.quickTimeout() : settings.quickTimeout(),
                    a.slowTimeout() != null ? a.slowTimeout() : settings.slowTimeout());
        }
        if (a.breakerOpenFor() != null) settings = settings.withBreakerOpenFor(a.breakerOpenFor());
        return new AgentClients(hosts, settings, clock);
    }

    /** Counts the signed fronts' 401s as signature failures. */
    @Bean
    SignedFronts signedFronts(ControlMeters meters) {
        return new SignedFronts(meters);
    }

    @Bean
    NotifierRef notifierRef() {
        return new NotifierRef();
    }

    @Bean
    Authorizer authorizer(DollyConfig config) {
        return new Authorizer(config);
    }

    /** Event webhooks out ({@code events.webhooks}): with none configured, publishing is a no-op. */
    @Bean(destroyMethod = "close")
    WebhookDeliveries webhookDeliveries(DollyConfig config, Secrets secrets, Dynamo dynamo, DollySettings s, Clock clock) {
        return new WebhookDeliveries(WebhookSettings.endpoints(config.events(), secrets),
                new DeliveryStore(dynamo.client(), s.dynamodb().tableOrDefault()), clock, WebhookSettings.retry(config.events()));
    }

    @Bean
    HostMonitor hostMonitor(DollyStore store, AgentClients agents, DollyConfig config, Clock clock, WebhookDeliveries events) {
        Map<String, String> urls = new LinkedHashMap<>();
        config.hosts().forEach(h -> urls.put(h.name(), h.url()));
        return new HostMonitor(store, agents, urls, clock).events(events);
    }

    @Bean
    Placement placement(DollyStore store, AgentClients agents, HostMonitor monitor) {
        return new Placement(store, agents, monitor);
    }

    @Bean
    RefreshTracker refreshTracker(DollyStore store, AgentClients agents, HostMonitor monitor, NotifierRef notifier, Clock clock,
                                  WebhookDeliveries events) {
        return new RefreshTracker(store, agents, monitor, notifier, clock).events(events);
    }

    /** The one idempotency engine of every front (CI, Slack, the scheduler). */
    @Bean
    Idempotency idempotency(DollyStore store, Clock clock) {
        return new Idempotency(store, clock);
    }

    @Bean
    CommandService commandService(DollyConfig config, Authorizer auth, DollyStore store, AgentClients agents, Placement placement,
                                  HostMonitor monitor, RefreshTracker refreshes, Idempotency idempotency, Clock clock,
                                  NotifierRef notifier, WebhookDeliveries events, ControlMeters meters) {
        CommandService service = new CommandService(config, auth, store, agents, placement, monitor, refreshes, idempotency, clock)
                .events(events).meteredBy(meters);
        service.checks().notifier(notifier);
        return service;
    }

    @Bean
    Reaper reaperService(DollyConfig config, DollyStore store, AgentClients agents, HostMonitor monitor, CommandService service,
                  RefreshTracker refreshes, NotifierRef notifier, Clock clock, DollySettings s, ControlMeters meters) {
        return new Reaper(config, store, agents, monitor, service, refreshes, notifier, clock, s.reaper().warnBeforeOrDefault())
                .reportTo(meters);
    }

    @Bean
    CiWebhook ciWebhookHandler(DollyConfig config, Secrets secrets, CommandService service, Idempotency idempotency, Clock clock) {
        return new CiWebhook(config, secrets, service, idempotency, clock);
    }

    @Bean
    UserApi userApiHandler(CommandService service, org.springframework.beans.factory.ObjectProvider<SlackEntry> slack) {
        return new UserApi(service, service.tokens(), user -> {
            SlackEntry s = slack.getIfAvailable();
            return s == null ? java.util.Set.of() : s.groupsOf(user);
        });
    }

    @Bean
    AgentCallback agentCallbackHandler(DollyConfig config, Secrets secrets, RefreshTracker refreshes, HostMonitor monitor, Clock clock,
                                       Dynamo dynamo, DollySettings s) {
        return new AgentCallback(hostSecrets(config, secrets), refreshes, monitor, clock, new ReplayStore(dynamo.client(), s.dynamodb().tableOrDefault()));
    }
}
