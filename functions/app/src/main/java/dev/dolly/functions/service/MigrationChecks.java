package dev.dolly.functions.service;

import dev.dolly.agent.api.CheckReport;
import dev.dolly.agent.api.CheckRequest;
import dev.dolly.agent.api.CheckView;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.api.client.AgentException;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Notifier;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.agent.AgentClients;
import dev.dolly.functions.auth.Authorizer;
import dev.dolly.functions.config.DollyConfig;
import dev.dolly.functions.domain.Clone;
import dev.dolly.functions.store.CheckItem;
import dev.dolly.functions.store.CloneStore;
import dev.dolly.functions.store.ConflictException;
import dev.dolly.functions.store.DollyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migration check (issue 14), front-independent: clone the template (a derived name, quota charged as for create),
 * start the check on the clone's agent, wait for its report by polling (with the injected clock and pause), render it,
 * destroy the clone unless kept, record the check (DynamoDB, audit) and post its card. Observe mode answers the clone's
 * connection at start and the report at finish.
 */
public class MigrationChecks {
    private static final Logger log = LoggerFactory.getLogger(MigrationChecks.class);
    /** How long a check's clone lives when not kept (the reaper removes it if this process dies mid-check). */
    static final Duration CHECK_TTL = Duration.ofHours(2);
    static final int MAX_FILES = 500;
    static final int MAX_SQL_CHARS = 5_000_000;
    /** The reaper finishes a files-mode check nobody waits for once it is this old (a CI wait is 25 s, a Slack one 14 min). */
    static final Duration SWEEP_AFTER = Duration.ofMinutes(15);

    /** How a wait pauses between polls (tests advance a clock instead of sleeping). */
    public interface Pacer {
        void pause(long ms);
    }

    private final DollyConfig config;
    private final Authorizer auth;
    private final DollyStore store;
    private final CloneStore clones;
    private final AgentClients agents;
    private final CloneLifecycle lifecycle;
    private final Clock clock;
    private Supplier<Notifier> notifier = () -> Notifier.NONE;
    private Pacer pacer = Pause::sleep;
    private Duration poll = Duration.ofSeconds(1);
    /** How long a Slack request (deferred work, no gateway in front) waits for a report. */
    private Duration waitLimit = Duration.ofMinutes(14);
    /**
     * How long a CI request waits before answering 202 "still running": short enough for any HTTP gateway in front of
     * the webhook (API Gateway cuts at 29 s); clients/dolly-ci then asks check-finish, which waits as long again.
     */
    private Duration ciWaitLimit = Duration.ofSeconds(25);

    MigrationChecks(DollyConfig config, Authorizer auth, DollyStore store, CloneStore clones, AgentClients agents,
                    CloneLifecycle lifecycle, Clock clock) {
        this.config = config;
        this.auth = auth;
        this.store = store;
        this.clones = clones;
        this.agents = agents;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    /** Where finished checks' cards go. */
    public MigrationChecks notifier(Supplier<Notifier> n) {
        this.notifier = n;
        return this;
    }

    /** How waits poll: {@code pacer} between polls of {@code poll}, answering "still running" after {@code waitLimit} (every front). */
    public MigrationChecks pacing(Pacer pacer, Duration poll, Duration waitLimit) {
        this.pacer = pacer;
        this.poll = poll;
        this.waitLimit = waitLimit;
        this.ciWaitLimit = waitLimit;
        return this;
    }

    // ------------------------------------------------------------------ the three verbs

    CommandResult check(Principal p, Front front, Command.Check c) {
        String template = template(p, c, c.template());
        List<CheckRequest.Migration> migrations = migrations(c.migrations());
        CheckItem item = start(p, front, template, c.snapshot(), c.keep(), "files", migrations).item();
        if (!c.waitDone()) {
            return CheckResults.of(item, null, null, "Check " + item.getId() + " is running on clone " + item.getCloneId()
                    + "; `check-finish " + item.getId() + "` answers its report.");
        }
        return await(p, front, item, item.isKeep());
    }

    CommandResult start(Principal p, Front front, Command.CheckStart c) {
        String template = template(p, c, c.template());
        Started s = start(p, front, template, c.snapshot(), c.keep(), "observe", List.of());
        return CheckResults.of(s.item(), s.created().info(), s.created().password(), "Clone " + s.item().getCloneId()
                + " is ready and observed: run your migrations against it, then send check-finish with check " + s.item().getId() + ".");
    }

    CommandResult finish(Principal p, Front front, Command.CheckFinish f) {
        if (f.checkId() == null || f.checkId().isBlank()) {
            throw new DollyException(ErrorKind.BAD_REQUEST, "check: which check to finish is missing (the id check-start answered).");
        }
        CheckItem item = store.check(f.checkId());
        if (item == null) {
            throw new DollyException(ErrorKind.NOT_FOUND, "check: there is no check '" + f.checkId() + "' (checks are kept "
                    + CheckItem.RETAINED_DAYS + " days).");
        }
        auth.check(p, f, item.getTemplate(), item.getPrincipal());
        boolean keep = item.isKeep() || Boolean.TRUE.equals(f.keep());
        if ("DONE".equals(item.getState()) || "FAILED".equals(item.getState())) {
            return CheckResults.of(item, null, null, "Check " + item.getId() + " finished earlier.");
        }
        if ("observe".equals(item.getMode())) {
            try {
                CheckView v = agentOf(item).finishCheck(item.getId());
                if (done(v)) return finished(p, front, item, v, keep);
            } catch (AgentException e) {
                if (lostByAgent(e)) return lost(p, front, item, keep);
                throw Errors.from(e, "finish check '" + item.getId() + "'");
            }
        }
        return await(p, front, item, keep);
    }

    // ------------------------------------------------------------------ steps

    private record Started(CheckItem item, CommandResult.CloneResult created) {}

    private String template(Principal p, Command c, String template) {
        if (template == null || template.isBlank()) {
            throw new DollyException(ErrorKind.BAD_REQUEST, "template: which template to check the migration against is missing.");
        }
        if (config.template(template) == null) {
            auth.check(p, new Command.Templates(), null, null);
            throw new DollyException(ErrorKind.NOT_FOUND, "template: there is no template '" + template + "'. Templates: "
                    + String.join(", ", config.templates().keySet()) + ".");
        }
        auth.check(p, c, template, null);
        return template;
    }

    private static List<CheckRequest.Migration> migrations(List<Command.MigrationFile> files) {
        if (files.isEmpty()) {
            throw new DollyException(ErrorKind.BAD_REQUEST, "migrations: nothing to check. Send the migration files as "
                    + "[{\"name\":\"V7__orders_index.sql\",\"sql\":\"…\"}] (dolly-ci check --file FILE or --dir DIR), "
                    + "or use check-start/check-finish to run your own migration tool.");
        }
        if (files.size() > MAX_FILES) {
            throw new DollyException(ErrorKind.BAD_REQUEST, "migrations: " + files.size() + " files; at most " + MAX_FILES
                    + " per check. Check the new ones only.");
        }
        long chars = 0;
        for (int i = 0; i < files.size(); i++) {
            Command.MigrationFile f = files.get(i);
            if (f == null || f.name() == null || f.name().isBlank()) {
                throw new DollyException(ErrorKind.BAD_REQUEST, "migrations: file " + (i + 1) + " has no name; give each file its name.");
            }
            if (f.name().length() > 255 || f.name().chars().anyMatch(ch -> ch < 0x20)) {
                throw new DollyException(ErrorKind.BAD_REQUEST, "migrations: file " + (i + 1) + "'s name is not a file name.");
            }
            if (f.sql() == null || f.sql().isBlank()) {
                throw new DollyException(ErrorKind.BAD_REQUEST, "migrations: " + f.name() + " is empty; nothing to check in it.");
            }
            chars += f.sql().length();
        }
        if (chars > MAX_SQL_CHARS) {
            throw new DollyException(ErrorKind.BAD_REQUEST, "migrations: " + chars + " characters of SQL; at most " + MAX_SQL_CHARS
                    + " per check (data loads belong in seeds, not in a checked migration).");
        }
        return files.stream().map(f -> new CheckRequest.Migration(f.name(), f.sql())).toList();
    }

    private Started start(Principal p, Front front, String template, String snapshot, boolean keep, String mode,
                          List<CheckRequest.Migration> migrations) {
        Instant began = clock.instant();
        String id = "chk-" + HexFormat.of().formatHex(randomBytes());
        String actor = Authorizer.actor(p);
        CheckItem item = CheckItem.create(id, mode, Authorizer.key(p), front.name(), template, keep, began);
        DollyConfig.CheckConfig settings = settings(p, template);
        item.setChannel(settings.slackChannel());
        item.setCloneId(cloneName(template, id));
        item.setSnapshot(snapshot);
        store.putCheck(item);

        Duration ttl = keep ? null : CHECK_TTL.compareTo(auth.maxTtl(p, template)) > 0 ? auth.maxTtl(p, template) : CHECK_TTL;
        CommandResult.CloneResult clone;
        try {
            clone = (CommandResult.CloneResult) lifecycle.create(p, front, new Command.Create(template, item.getCloneId(), ttl, snapshot, true));
        } catch (DollyException e) {
            failed(item, "could not clone " + template + ": " + e.getMessage());
            store.audit("check:" + id, actor, front.name(), "check", "failed", e.getMessage());
            throw e;
        }
        item.setCloneMs(Duration.between(began, clock.instant()).toMillis());
        Clone recorded = clones.find(item.getCloneId());
        item.setHostName(recorded == null ? null : recorded.hostName());
        item.setSnapshot(clone.info().snapshot());
        item.setState("files".equals(mode) ? "RUNNING" : "OBSERVING");
        item = save(item);
        try {
            agentOf(item).startCheck(item.getCloneId(), new CheckRequest(id, mode, migrations, probe(settings), thresholds(settings)));
        } catch (AgentException e) {
            failed(item, "the agent could not start the check: " + e.getMessage());
            destroyUnlessKept(item, keep, actor, front);
            store.audit("check:" + id, actor, front.name(), "check", "failed", e.getMessage());
            throw Errors.from(e, "start check " + id + " on clone '" + item.getCloneId() + "'");
        }
        store.audit("check:" + id, actor, front.name(), "check", "started", mode + " mode, template " + template + ", clone "
                + item.getCloneId() + " on " + item.getHostName() + (migrations.isEmpty() ? "" : ", " + migrations.size() + " file(s)"));
        return new Started(item, clone);
    }

    /** Polls the agent until the check is done, or answers "still running" after the wait limit. */
    private CommandResult await(Principal p, Front front, CheckItem item, boolean keep) {
        Duration limit = front == Front.CI ? ciWaitLimit : waitLimit;
        Instant deadline = clock.instant().plus(limit);
        int unavailable = 0;
        while (true) {
            try {
                CheckView v = agentOf(item).check(item.getId());
                unavailable = 0;
                if (done(v)) return finished(p, front, item, v, keep);
            } catch (AgentException.Unavailable e) {
                if (++unavailable >= 5) throw Errors.from(e, "follow check '" + item.getId() + "'");
            } catch (AgentException e) {
                if (lostByAgent(e)) return lost(p, front, item, keep);
                throw Errors.from(e, "follow check '" + item.getId() + "'");
            }
            if (!clock.instant().isBefore(deadline)) {
                return CheckResults.of(item, null, null, "Check " + item.getId() + " is still running after "
                        + dev.dolly.config.Durations.format(limit) + "; `check-finish " + item.getId() + "` answers its report.");
            }
            pacer.pause(poll.toMillis());
        }
    }

    private static boolean done(CheckView v) {
        return v != null && ("DONE".equals(v.state()) || "FAILED".equals(v.state()));
    }

    /**
     * The agent keeps checks in memory: a check the control plane still has open and its agent does not know was lost
     * when the agent restarted (a busy check is never dropped from the agent's list).
     */
    private static boolean lostByAgent(AgentException e) {
        return e instanceof AgentException.Refused r && r.code() == ErrorCode.UNKNOWN_CHECK;
    }

    /** Ends a check its agent lost: FAILED with an error that says so, its clone destroyed unless kept. */
    private CommandResult lost(Principal p, Front front, CheckItem item, boolean keep) {
        log.warn("check {}: its agent on {} no longer knows it (restarted); ending it", item.getId(), item.getHostName());
        return finished(p, front, item, new CheckView(item.getId(), item.getCloneId(), item.getMode(), "FAILED", item.getStartedAt(),
                clock.instant(), "the agent on host " + item.getHostName() + " restarted during check " + item.getId()
                        + " (it keeps checks in memory); run the check again", null), keep);
    }

    /**
     * Finishes the files-mode checks nobody waits for any more (a CI job that gave up or was cancelled, a Slack wait that
     * ran out) once their agent has the report: rendered, recorded, card posted, clone destroyed unless kept; and ends,
     * FAILED, the checks (either mode) their agent lost to a restart. Run by the reaper; returns the ids it finished.
     */
    public List<String> sweep() {
        List<String> finished = new java.util.ArrayList<>();
        for (CheckItem item : store.openChecks()) {
            if (item.getStartedAt() == null || Duration.between(item.getStartedAt(), clock.instant()).compareTo(SWEEP_AFTER) < 0) {
                continue;
            }
            if (item.getCloneId() != null && clones.find(item.getCloneId()) == null) {
                // an observe-mode check nobody finished, or a check whose clone was destroyed: it ends with its clone
                failed(item, "its clone " + item.getCloneId() + " is gone (expired or destroyed) before the check finished");
                store.audit("check:" + item.getId(), "scheduler", Front.SCHEDULE.name(), "check", "failed", item.getError());
                continue;
            }
            boolean running = "RUNNING".equals(item.getState());
            if (!running && !"OBSERVING".equals(item.getState())) continue;
            try {
                CheckView v = agentOf(item).check(item.getId());
                if (running && done(v)) {
                    finished(Principal.scheduler(), Front.SCHEDULE, item, v, item.isKeep());
                    finished.add(item.getId());
                }
            } catch (AgentException e) {
                if (lostByAgent(e)) {
                    lost(Principal.scheduler(), Front.SCHEDULE, item, item.isKeep());
                    finished.add(item.getId());
                } else {
                    log.info("reaper: check {} not finished yet: {}", item.getId(), e.toString());
                }
            } catch (RuntimeException e) {
                log.info("reaper: check {} not finished yet: {}", item.getId(), e.toString());
            }
        }
        return finished;
    }

    private CommandResult finished(Principal p, Front front, CheckItem item, CheckView v, boolean keep) {
        String actor = Authorizer.actor(p);
        item.closeIndex();
        item.setKeep(keep);
        item.setFinishedAt(clock.instant());
        item.setTotalMs(Duration.between(item.getStartedAt(), item.getFinishedAt()).toMillis());
        if ("FAILED".equals(v.state()) || v.report() == null) {
            item.setState("FAILED");
            item.setError(v.error() == null ? "the agent finished the check without a report" : v.error());
        } else {
            CheckReport r = CheckResults.rendered(v.report(), item);
            item.setState("DONE");
            item.setVerdict(r.verdict());
            item.setDurationMs(r.durationMs());
            item.setFindings(r.findings() == null ? 0 : r.findings().size());
            item.setReport(CheckResults.json(r));
        }
        try {
            item = store.putCheck(item);
        } catch (ConflictException e) {
            // finished meanwhile by another request (a check-finish, the reaper): its answer is the record's
            CheckItem now = store.check(item.getId());
            if (now != null && ("DONE".equals(now.getState()) || "FAILED".equals(now.getState()))) {
                return CheckResults.of(now, null, null, "Check " + now.getId() + " finished.");
            }
            throw new DollyException(ErrorKind.CONFLICT, "Check " + item.getId() + " is being changed by another request; try again.");
        }
        String destroyed = destroyUnlessKept(item, keep, actor, front);
        store.audit("check:" + item.getId(), actor, front.name(), "check", item.getState().toLowerCase(java.util.Locale.ROOT),
                item.getVerdict() != null ? "verdict " + item.getVerdict() + ", " + item.getFindings() + " finding(s)" : item.getError());
        CommandResult.CheckResult result = CheckResults.of(item, null, null, message(item, destroyed));
        try {
            notifier.get().checkFinished(result, item.getChannel());
        } catch (RuntimeException e) {
            log.warn("could not post check {} to Slack: {}", item.getId(), e.toString());
        }
        return result;
    }

    private static String message(CheckItem item, String destroyed) {
        String head = "DONE".equals(item.getState())
                ? "Check " + item.getId() + ": " + item.getVerdict() + " (" + item.getFindings() + " finding(s))."
                : "Check " + item.getId() + " could not run: " + item.getError() + ".";
        return head + " " + destroyed;
    }

    /** Destroys the check's clone unless kept; says what became of it. */
    private String destroyUnlessKept(CheckItem item, boolean keep, String actor, Front front) {
        if (keep) return "Clone " + item.getCloneId() + " is kept for investigation; destroy it when done.";
        Clone c = clones.find(item.getCloneId());
        if (c == null) return "Its clone is gone.";
        try {
            lifecycle.destroyClone(c, actor, front);
            return "Clone " + item.getCloneId() + " destroyed.";
        } catch (RuntimeException e) {
            log.warn("check {}: could not destroy clone {}: {}", item.getId(), item.getCloneId(), e.toString());
            return "Clone " + item.getCloneId() + " could not be destroyed yet (" + e.getMessage() + "); it expires by itself.";
        }
    }

    private void failed(CheckItem item, String error) {
        item.closeIndex();
        item.setState("FAILED");
        item.setError(error);
        item.setFinishedAt(clock.instant());
        item.setTotalMs(Duration.between(item.getStartedAt(), item.getFinishedAt()).toMillis());
        save(item);
    }

    private CheckItem save(CheckItem item) {
        try {
            return store.putCheck(item);
        } catch (ConflictException e) {
            throw new DollyException(ErrorKind.CONFLICT, "Check " + item.getId() + " is being changed by another request; try again.");
        }
    }

    private dev.dolly.functions.agent.AgentClient agentOf(CheckItem item) {
        if (item.getHostName() == null || !agents.knows(item.getHostName())) {
            throw new DollyException(ErrorKind.UNAVAILABLE, "Check " + item.getId() + ": its host " + item.getHostName() + " is unknown.");
        }
        return agents.get(item.getHostName());
    }

    // ------------------------------------------------------------------ settings

    /** The CI key's {@code check:} settings over the template's. */
    DollyConfig.CheckConfig settings(Principal p, String template) {
        DollyConfig.CheckConfig t = config.template(template).check();
        if (p.kind() != Principal.Kind.CI_KEY) return t;
        return config.ciKeys().stream().filter(k -> p.id().equals(k.id())).findFirst().map(k -> k.check().over(t)).orElse(t);
    }

    static CheckRequest.Thresholds thresholds(DollyConfig.CheckConfig s) {
        CheckRequest.Thresholds d = CheckRequest.Thresholds.DEFAULTS;
        return new CheckRequest.Thresholds(s.failBlocked() == null ? d.failBlockedMs() : s.failBlocked().toMillis(),
                s.warnRewriteBytes() == null ? d.warnRewriteBytes() : s.warnRewriteBytes());
    }

    /** Null (the agent's defaults) unless a probe setting is written. */
    static CheckRequest.Probe probe(DollyConfig.CheckConfig s) {
        if (s.probeSessions() == null && s.probeRate() == null && s.probeLongTransaction() == null) return null;
        return new CheckRequest.Probe(s.probeSessions() == null ? 4 : s.probeSessions(), s.probeRate() == null ? 20 : s.probeRate(),
                Boolean.TRUE.equals(s.probeLongTransaction()));
    }

    /** {@code <template>-check-<id>}: unique per check, and a valid clone name. */
    static String cloneName(String template, String checkId) {
        String base = template.length() > 40 ? template.substring(0, 40) : template;
        return base.replaceAll("-+$", "") + "-check-" + checkId.substring("chk-".length());
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[6];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
