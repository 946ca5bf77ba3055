package dev.dolly.agent.refresh;

import dev.dolly.agent.api.RequestIds;
import dev.dolly.agent.AgentException;
import dev.dolly.agent.Names;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.RefreshRequest;
import dev.dolly.agent.api.SnapshotView;
import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.config.TemplateConfig;
import dev.dolly.agent.metrics.Metrics;
import dev.dolly.agent.template.BuildServer;
import dev.dolly.agent.template.TemplateBuilds;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refresh jobs: one running build per template (asking again while one runs returns it), each
 * on its own thread, observable through {@link JobView}, cancellable. A failed or cancelled job
 * discards its build; the previous snapshot keeps serving. Finished jobs are remembered for a day.
 */
public class RefreshJobs {
    private static final Logger log = LoggerFactory.getLogger(RefreshJobs.class);
    private static final Duration KEEP_FINISHED = Duration.ofHours(24);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final java.util.concurrent.ScheduledExecutorService TICKER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "refresh-progress");
        t.setDaemon(true);
        return t;
    });
    public static final String RUNNING = "RUNNING";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    public static final String CANCELLED = "CANCELLED";

    private final AgentConfig config;
    private final TemplateBuilds builds;
    private final Populators populators;
    private final Clock clock;
    private final Metrics metrics;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "refresh");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private volatile java.util.function.Consumer<JobView> listener = v -> { };

    /** Told of every job as it starts, every few seconds while it runs, and when it ends (callbacks to the control plane). */
    public void onChange(java.util.function.Consumer<JobView> l) {
        this.listener = l;
    }

    private void tell(Job j) {
        try {
            listener.accept(j.view());
        } catch (RuntimeException e) {
            log.debug("job listener: {}", e.getMessage());
        }
    }

    public RefreshJobs(AgentConfig config, TemplateBuilds builds, Populators populators, Clock clock, Metrics metrics) {
        this.config = config;
        this.builds = builds;
        this.populators = populators;
        this.clock = clock;
        this.metrics = metrics;
    }

    private final class Job {
        final String id;
        final String template;
        final Instant startedAt;
        final JobProgress progress;
        volatile String state = RUNNING;
        volatile Instant finishedAt;
        volatile String snapshot;
        volatile String error;
        volatile Map<String, Object> result;
        volatile Thread thread;

        Job(String id, String template) {
            this.id = id;
            this.template = template;
            this.startedAt = clock.instant();
            this.progress = new JobProgress(clock);
        }

        JobView view() {
            return new JobView(id, template, state, progress.phase(), progress.tablesDone(), progress.tablesTotal(),
                    progress.rows(), progress.bytes(), RUNNING.equals(state) ? progress.etaSeconds() : null,
                    startedAt, finishedAt, snapshot, error, result);
        }
    }

    /** Starts a refresh of a template, or returns the one already running for it (or the job with the requested id). */
    public JobView start(String template, RefreshRequest request) {
        Names.template(template);
        TemplateConfig t = config.template(template).orElseThrow(() -> new AgentException(ErrorCode.UNKNOWN_TEMPLATE,
                "template '" + template + "' is not configured on this host; known: " + String.join(", ", config.templates().keySet())));
        String requested = request == null || request.job() == null ? null : Names.jobId(request.job());
        Job job;
        synchronized (jobs) {
            forgetOld();
            if (requested != null && jobs.containsKey(requested)) {
                Job j = jobs.get(requested);
                if (!j.template.equals(template)) {
                    throw new AgentException(ErrorCode.CONFLICT, "job id '" + requested + "' belongs to a refresh of template " + j.template);
                }
                return j.view();
            }
            Optional<Job> running = jobs.values().stream().filter(j -> j.template.equals(template) && RUNNING.equals(j.state)).findFirst();
            if (running.isPresent()) {
                return running.get().view();
            }
            job = new Job(requested != null ? requested : newJobId(), template);
            jobs.put(job.id, job);
        }
        Job j = job;
        executor.submit(RequestIds.carry(() -> run(j, t))); // the job logs under the request that started it
        tell(j);
        return job.view();
    }

    public JobView get(String id) {
        synchronized (jobs) {
            return find(id).view();
        }
    }

    /** Cancels a running job (it discards its build); a finished job is returned as it is. */
    public JobView cancel(String id) {
        Job j;
        synchronized (jobs) {
            j = find(id);
        }
        if (RUNNING.equals(j.state)) {
            j.progress.cancel();
            Thread t = j.thread;
            if (t != null) {
                t.interrupt();
            }
        }
        return j.view();
    }

    /** Waits until a job is no longer running (for tests and the initial builds). */
    public JobView await(String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JobView v = get(id);
            if (!RUNNING.equals(v.state())) {
                return v;
            }
            Thread.sleep(100);
        }
        return get(id);
    }

    public List<JobView> list() {
        synchronized (jobs) {
            return jobs.values().stream().map(Job::view).toList();
        }
    }

    public long running() {
        synchronized (jobs) {
            return jobs.values().stream().filter(j -> RUNNING.equals(j.state)).count();
        }
    }

    private Job find(String id) {
        Names.jobId(id);
        Job j = jobs.get(id);
        if (j == null) {
            throw new AgentException(ErrorCode.UNKNOWN_JOB, "no refresh job '" + id + "' on this host (finished jobs are kept for a day)");
        }
        return j;
    }

    private void run(Job job, TemplateConfig t) {
        job.thread = Thread.currentThread();
        RequestIds.put(RequestIds.TEMPLATE, t.name());
        RequestIds.put(RequestIds.JOB, job.id);
        java.util.concurrent.ScheduledFuture<?> ticks = TICKER.scheduleWithFixedDelay(RequestIds.carry(() -> tell(job)), 5, 5, TimeUnit.SECONDS);
        long t0 = System.nanoTime();
        BuildServer server = null;
        String buildId = builds.newBuildId();
        try {
            TemplatePopulator populator = populators.forTemplate(t);
            job.progress.phase("guard");
            TemplatePopulator.Build build = populator.prepare(t);
            build.guard();
            job.progress.checkCancelled();
            job.progress.phase("build");
            server = builds.start(t, buildId, build.major());
            job.progress.checkCancelled();
            Map<String, Object> result = build.populate(server, job.progress);
            job.progress.checkCancelled();
            job.progress.phase("finish");
            BuildServer s = server;
            server = null; // finish discards on its own failure
            SnapshotView snap = builds.finish(s);
            Map<String, Object> r = new LinkedHashMap<>(result == null ? Map.of() : result);
            r.put("sizeBytes", snap.sizeBytes());
            r.put("seconds", (System.nanoTime() - t0) / 1e9);
            job.result = r;
            job.snapshot = snap.id();
            job.finishedAt = clock.instant();
            job.state = SUCCEEDED; // last: a reader that sees the end state sees everything else
            metrics.refresh(t.name(), "succeeded", System.nanoTime() - t0);
            log.info("refresh {} of template {}: snapshot {} ready in {} s", job.id, t.name(), snap.id(), Math.round((System.nanoTime() - t0) / 1e9));
        } catch (Throwable e) {
            Thread.interrupted(); // a cancel interrupts this thread: clear it, or the clean-up below would fail at once
            boolean cancelled = job.progress.isCancelled() || e instanceof CancellationException || e instanceof InterruptedException;
            ErrorCode code = e instanceof AgentException a ? a.code() : ErrorCode.REFRESH_FAILED;
            if (!cancelled && (builds.poolFull() || looksLikeNoSpace(e))) {
                code = ErrorCode.POOL_FULL;
            }
            if (server != null) {
                builds.discard(server);
            } else if (!"guard".equals(job.progress.phase())) {
                builds.discard(t.name(), buildId);
            }
            job.error = cancelled ? "cancelled in phase " + job.progress.phase()
                    : code + ": phase " + job.progress.phase() + ": "
                    + (code == ErrorCode.POOL_FULL ? "the pool is full (destroy clones or old snapshots, or grow the pool); " : "")
                    + message(e);
            job.finishedAt = clock.instant();
            job.state = cancelled ? CANCELLED : FAILED; // last, as above
            if (cancelled) {
                metrics.refresh(t.name(), "cancelled", System.nanoTime() - t0);
            } else {
                metrics.refreshFailed(t.name(), code, System.nanoTime() - t0);
            }
            if (cancelled) {
                log.info("refresh {} of template {} cancelled in phase {}", job.id, t.name(), job.progress.phase());
            } else {
                // the scrubbed message only: a stack trace would repeat the raw texts of its causes
                log.warn("refresh {} of template {} failed in phase {}: {} ({})", job.id, t.name(), job.progress.phase(),
                        job.error, e.getClass().getName());
            }
        } finally {
            ticks.cancel(false);
            job.thread = null;
            tell(job);
        }
    }

    /** PostgreSQL and zfs words for a full disk or quota. */
    static boolean looksLikeNoSpace(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m == null || m.contains("shared memory")) { // /dev/shm of the container, not the pool
                continue;
            }
            if (m.contains("No space left on device") || m.contains("Disk quota exceeded") || m.contains("out of space")) {
                return true;
            }
        }
        return false;
    }

    /** The error boundary: whatever failed, its text leaves the agent only {@link ErrorScrubber scrubbed}. */
    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : ErrorScrubber.scrub(m);
    }

    private void forgetOld() {
        Instant limit = clock.instant().minus(KEEP_FINISHED);
        for (Iterator<Job> it = jobs.values().iterator(); it.hasNext(); ) {
            Job j = it.next();
            if (j.finishedAt != null && j.finishedAt.isBefore(limit)) {
                it.remove();
            }
        }
    }

    private String newJobId() {
        byte[] r = new byte[4];
        RANDOM.nextBytes(r);
        return "r" + HexFormat.of().formatHex(r);
    }

    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
