package dev.dolly.functions.service;

import dev.dolly.agent.api.RequestIds;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandPort;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.agent.AgentClients;
import dev.dolly.functions.auth.Authorizer;
import dev.dolly.functions.auth.PersonalTokens;
import dev.dolly.functions.config.DollyConfig;
import dev.dolly.functions.metrics.ControlMeters;
import dev.dolly.functions.store.CatalogStore;
import dev.dolly.functions.store.CloneStore;
import dev.dolly.functions.store.DollyStore;
import java.time.Clock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point that executes every command, whichever front it came from: it routes each verb to
 * the class whose job it is ({@link CloneLifecycle}, {@link CloneSettings}, {@link Catalog}, the
 * {@link RefreshTracker}), once per idempotency key ({@link Idempotency}). Those authorize (in
 * {@link Authorizer}, before anything is forwarded), validate, record state changes through
 * {@link CloneStates}, forward to the clone's host agent, record the outcome and audit.
 */
public class CommandService implements CommandPort {
    private static final Logger log = LoggerFactory.getLogger(CommandService.class);
    /** Clone, snapshot and savepoint names: what the agent accepts, and safe in URLs and ZFS. */
    public static final Pattern NAME = CloneLookup.NAME;
    /** How long a command's first answer is kept for retries with the same idempotency key. */
    static final java.time.Duration RETENTION = java.time.Duration.ofHours(24);

    private final DollyConfig config;
    private final Authorizer auth;
    private final RefreshTracker refreshes;
    private final Idempotency idempotency;
    private final CommandAnswers answers = new CommandAnswers();
    private final Clock clock;
    private final CloneStates states;
    private final CloneLifecycle lifecycle;
    private final CloneSettings settings;
    private final Catalog catalog;
    private final PersonalTokens tokens;
    private final MigrationChecks checks;
    private volatile ControlMeters meters = ControlMeters.NONE;

    public CommandService(DollyConfig config, Authorizer auth, DollyStore store, AgentClients agents, Placement placement,
                          HostMonitor monitor, RefreshTracker refreshes, Clock clock) {
        this(config, auth, store, agents, placement, monitor, refreshes, new Idempotency(store, clock), clock);
    }

    public CommandService(DollyConfig config, Authorizer auth, DollyStore store, AgentClients agents, Placement placement,
                          HostMonitor monitor, RefreshTracker refreshes, Idempotency idempotency, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.auth = auth;
        this.refreshes = refreshes;
        CloneStore clones = new CloneStore(store);
        CatalogStore catalogStore = new CatalogStore(store);
        CloneLookup lookup = new CloneLookup(clones, agents);
        this.idempotency = idempotency;
        this.states = new CloneStates(clones, clock);
        this.lifecycle = new CloneLifecycle(config, auth, store, clones, catalogStore, agents, placement, states, lookup, clock);
        this.settings = new CloneSettings(auth, store, states, lookup, clock);
        this.catalog = new Catalog(config, auth, clones, catalogStore, agents, monitor, lookup);
        this.tokens = new PersonalTokens(store, auth, clock);
        this.checks = new MigrationChecks(config, auth, store, clones, agents, lifecycle, clock);
    }

    /** Migration checks (issue 14): where their cards go and how their waits poll are set through it. */
    public MigrationChecks checks() { return checks; }

    /** Times every command by verb, front and outcome, and counts the authorizer's denials, in {@code m}. */
    public CommandService meteredBy(ControlMeters m) {
        this.meters = m == null ? ControlMeters.NONE : m;
        return this;
    }

    public Authorizer authorizer() { return auth; }

    /** Personal tokens: issued, listed and revoked through commands; the user API authenticates with them. */
    public PersonalTokens tokens() { return tokens; }

    /** The clone state machine (the reaper moves clones too). */
    CloneStates states() { return states; }

    /** Sends clone and quota events to {@code events} (the webhooks) from now on. */
    public CommandService events(dev.dolly.functions.events.Events events) {
        lifecycle.events(events);
        return this;
    }

    /** Where clone and quota events go. */
    public dev.dolly.functions.events.Events events() { return lifecycle.events(); }

    /** Create, reset and destroy (the reaper destroys expired clones). */
    CloneLifecycle lifecycle() { return lifecycle; }

    @Override
    public CommandResult execute(Principal principal, Front front, Command command, String idempotencyKey) {
        if (principal == null || command == null) {
            throw new DollyException(ErrorKind.BAD_REQUEST, "A command needs a principal and a verb.");
        }
        long t0 = System.nanoTime();
        String verb = command.verb();
        String from = front == null ? "none" : front.name().toLowerCase(java.util.Locale.ROOT);
        String outcome = "ok";
        // who asks and what about, in every log line of the command (beside the front's request id)
        try (RequestIds.Scope ignored = RequestIds.scope(RequestIds.PRINCIPAL, Authorizer.actor(principal),
                RequestIds.CLONE, CommandIds.clone(command), RequestIds.TEMPLATE, CommandIds.template(command))) {
            log.info("{} {} by {}", front, verb, Authorizer.actor(principal));
            if (idempotencyKey == null || idempotencyKey.isBlank()) return run(principal, front, command);
            return idempotency.once("cmd:" + Authorizer.key(principal), idempotencyKey, answers.hash(command),
                    clock.instant().plus(RETENTION), answers, () -> run(principal, front, command));
        } catch (DollyException e) {
            outcome = e.kind().name().toLowerCase(java.util.Locale.ROOT);
            if (e.kind() == ErrorKind.FORBIDDEN) meters.denied(verb, from);
            throw e;
        } catch (RuntimeException e) {
            outcome = "internal";
            throw e;
        } finally {
            meters.command(verb, from, outcome, System.nanoTime() - t0);
        }
    }

    private CommandResult run(Principal p, Front front, Command command) {
        if (command instanceof Command.Create c) return lifecycle.create(p, front, c);
        if (command instanceof Command.ListClones l) return catalog.list(p, l);
        if (command instanceof Command.Show s) return catalog.show(p, s);
        if (command instanceof Command.Reset r) return lifecycle.reset(p, front, command, r.cloneId(), r.savepoint());
        if (command instanceof Command.Rollback r) return lifecycle.rollback(p, front, r);
        if (command instanceof Command.Savepoint s) return lifecycle.savepoint(p, front, s);
        if (command instanceof Command.Destroy d) return lifecycle.destroy(p, front, d);
        if (command instanceof Command.Protect pr) return settings.protect(p, front, pr);
        if (command instanceof Command.Extend e) return settings.extend(p, front, e);
        if (command instanceof Command.Password pw) return settings.password(p, front, pw);
        if (command instanceof Command.Snapshots s) return catalog.snapshots(p, s);
        if (command instanceof Command.Refresh r) return refresh(p, front, r);
        if (command instanceof Command.Templates) return catalog.templates(p);
        if (command instanceof Command.Status) return catalog.status(p);
        if (command instanceof Command.Check c) return checks.check(p, front, c);
        if (command instanceof Command.CheckStart c) return checks.start(p, front, c);
        if (command instanceof Command.CheckFinish c) return checks.finish(p, front, c);
        if (command instanceof Command.TokenIssue || command instanceof Command.TokenList || command instanceof Command.TokenRevoke) {
            return tokens.execute(p, front, command);
        }
        throw new DollyException(ErrorKind.BAD_REQUEST, "Unknown command " + command.verb());
    }

    private CommandResult refresh(Principal p, Front front, Command.Refresh r) {
        String template = r.template();
        if (template == null || config.template(template) == null) {
            auth.check(p, new Command.Templates(), null, null);
            throw new DollyException(ErrorKind.NOT_FOUND, "template: there is no template '" + template + "'.");
        }
        auth.check(p, r, template, null);
        return refreshes.start(template, Authorizer.actor(p), front);
    }
}
