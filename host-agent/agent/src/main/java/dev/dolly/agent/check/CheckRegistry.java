package dev.dolly.agent.check;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.Names;
import dev.dolly.agent.api.CheckReport;
import dev.dolly.agent.api.CheckRequest;
import dev.dolly.agent.api.CheckView;
import dev.dolly.agent.api.ErrorCode;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks on this agent, in memory by id (the last {@link #KEEP}): starting one is idempotent by its id; a clone
 * runs one check at a time. Files mode runs in the background ({@code RUNNING} → {@code DONE}); observe mode answers
 * {@code OBSERVING} once the clone is watched, and {@link #finish} reports.
 */
public final class CheckRegistry implements CheckOperations, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CheckRegistry.class);
    static final int KEEP = 200;
    /** An observe check nobody finishes is finished after this long, so its probe and sampler do not run forever. */
    static final java.time.Duration OBSERVE_LIMIT = java.time.Duration.ofHours(2);
    private static final Pattern CHECK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}");

    private final Function<String, CloneAccess> clones;
    private final Clock clock;
    private final ExecutorService background = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "check");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Entry> checks = new LinkedHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "check-limit");
        t.setDaemon(true);
        return t;
    });

    private static final class Entry {
        final String id;
        final String cloneId;
        final String mode;
        final Instant startedAt;
        volatile String state;
        volatile Instant finishedAt;
        volatile String error;
        volatile CheckReport report;
        Observer observer;

        Entry(String id, String cloneId, String mode, Instant startedAt, String state) {
            this.id = id;
            this.cloneId = cloneId;
            this.mode = mode;
            this.startedAt = startedAt;
            this.state = state;
        }

        CheckView view() {
            return new CheckView(id, cloneId, mode, state, startedAt, finishedAt, error, report);
        }

        boolean busy() {
            return "RUNNING".equals(state) || "OBSERVING".equals(state) || "FINISHING".equals(state);
        }
    }

    /** {@code clones}: the access to a clone by id; throws {@link AgentException} UNKNOWN_CLONE / CONFLICT when it is missing or not ready. */
    public CheckRegistry(Function<String, CloneAccess> clones, Clock clock) {
        this.clones = clones;
        this.clock = clock;
    }

    @Override
    public CheckView start(String cloneId, CheckRequest r) {
        String clone = Names.cloneId(cloneId);
        if (r == null || r.checkId() == null || !CHECK_ID.matcher(r.checkId()).matches()) {
            throw new AgentException(ErrorCode.INVALID_NAME, "a check needs a checkId: 1–100 letters, digits, '_', '.', ':' or '-'");
        }
        String mode = r.mode() == null ? (r.migrations() == null || r.migrations().isEmpty() ? "observe" : "files") : r.mode();
        if (!mode.equals("files") && !mode.equals("observe")) {
            throw new AgentException(ErrorCode.INVALID_REQUEST, "mode is 'files' (the agent runs migrations) or 'observe' (your tool runs them)");
        }
        if (mode.equals("observe") && r.migrations() != null && !r.migrations().isEmpty()) {
            throw new AgentException(ErrorCode.INVALID_REQUEST, "observe mode takes no migrations: run your migration tool against the clone, then finish");
        }
        if (r.migrations() != null && r.migrations().stream().anyMatch(m -> m == null || m.name() == null || m.name().isBlank())) {
            throw new AgentException(ErrorCode.INVALID_REQUEST, "every migration needs a name (its file name) and its sql");
        }
        Entry e;
        synchronized (checks) {
            Entry existing = checks.get(r.checkId());
            if (existing != null) {
                if (!existing.cloneId.equals(clone)) {
                    throw new AgentException(ErrorCode.CONFLICT, "check '" + r.checkId() + "' already ran on clone '" + existing.cloneId
                            + "': choose a new check id");
                }
                return existing.view();
            }
            checks.values().stream().filter(x -> x.cloneId.equals(clone) && x.busy()).findFirst().ifPresent(x -> {
                throw new AgentException(ErrorCode.CONFLICT, "clone '" + clone + "' is busy with check '" + x.id
                        + "': wait for it (GET /v1/checks/" + x.id + ")" + (x.mode.equals("observe") ? " or finish it" : ""));
            });
            e = new Entry(r.checkId(), clone, mode, clock.instant(), mode.equals("files") ? "RUNNING" : "OBSERVING");
            checks.put(e.id, e);
            while (checks.size() > KEEP) {
                String oldest = checks.keySet().iterator().next();
                if (checks.get(oldest).busy()) {
                    break;
                }
                checks.remove(oldest);
            }
        }
        CloneAccess access;
        try {
            access = clones.apply(clone);
        } catch (RuntimeException ex) {
            synchronized (checks) {
                checks.remove(e.id);
            }
            throw ex;
        }
        if (mode.equals("files")) {
            background.submit(() -> runFiles(e, access, r));
            return e.view();
        }
        Observer o = new Observer(access, r, clock);
        try {
            o.start();
        } catch (Exception ex) {
            o.abandon();
            done(e, null, "cannot observe clone " + clone + ": " + ex.getMessage());
            log.warn("check {}: observe start failed", e.id, ex);
            return e.view();
        }
        e.observer = o;
        timers.schedule(() -> {
            if ("OBSERVING".equals(e.state)) {
                log.warn("check {}: nobody finished it within {}; finishing it now", e.id, OBSERVE_LIMIT);
                finish(e.id);
            }
        }, OBSERVE_LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        return e.view();
    }

    private void runFiles(Entry e, CloneAccess access, CheckRequest r) {
        try {
            CheckReport report = new FilesRunner(access, r, savepointPrefix(e.id)).run();
            done(e, report, null);
            log.info("check {} on clone {}: {} in {} ms ({} findings)", e.id, e.cloneId, report.verdict(), report.durationMs(),
                    report.findings().size());
        } catch (Exception ex) {
            log.warn("check {} on clone {} could not run", e.id, e.cloneId, ex);
            done(e, null, "the check could not run: " + ex.getMessage());
        }
    }

    /** Savepoint names for a check: {@code chk-<hash of the id>} (the savepoint name rule allows no more). */
    static String savepointPrefix(String checkId) {
        return Names.savepoint("chk-" + Integer.toHexString(checkId.hashCode() & 0x7fffffff));
    }

    private void done(Entry e, CheckReport report, String error) {
        e.report = report;
        e.error = error;
        e.finishedAt = clock.instant();
        e.state = report != null ? "DONE" : "FAILED";
    }

    @Override
    public CheckView get(String checkId) {
        return require(checkId).view();
    }

    @Override
    public CheckView finish(String checkId) {
        Entry e = require(checkId);
        Observer o;
        synchronized (e) {
            if (!e.mode.equals("observe")) {
                if (e.busy()) {
                    throw new AgentException(ErrorCode.CONFLICT, "check '" + checkId + "' runs its files itself: poll GET /v1/checks/" + checkId);
                }
                return e.view();
            }
            if (!"OBSERVING".equals(e.state)) {
                return e.view();
            }
            e.state = "FINISHING";
            o = e.observer;
        }
        try {
            done(e, o.finish(), null);
        } catch (Exception ex) {
            log.warn("check {}: finish failed", checkId, ex);
            o.abandon();
            done(e, null, "the check could not finish: " + ex.getMessage());
        }
        return e.view();
    }

    private Entry require(String checkId) {
        Entry e;
        synchronized (checks) {
            e = checks.get(Objects.requireNonNullElse(checkId, ""));
        }
        if (e == null) {
            throw new AgentException(ErrorCode.UNKNOWN_CHECK, "no check '" + checkId + "' on this host (the last " + KEEP + " are kept)");
        }
        return e;
    }

    @Override
    public void close() {
        synchronized (checks) {
            checks.values().stream().filter(x -> x.observer != null && "OBSERVING".equals(x.state)).forEach(x -> x.observer.abandon());
        }
        background.shutdownNow();
        timers.shutdownNow();
    }
}
