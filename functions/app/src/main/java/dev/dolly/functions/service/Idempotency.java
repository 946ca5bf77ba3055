package dev.dolly.functions.service;

import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.IdempotencyItem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one idempotency engine of every front (CI, Slack, the scheduler): a request, named by a scope and a key
 * (an Idempotency-Key, a signature, a Slack trigger, an event id) and told apart by the SHA-256 of its canonical
 * form, runs at most once; a retry gets the first answer back. Before acting, a caller claims the key under a
 * <b>lease</b> (owner, expiry by the injected clock) that is renewed while the work runs; a claim whose owner died
 * (a Lambda that timed out, a killed process) is taken over once its lease ran out, so a retry completes the
 * request instead of waiting for the record to expire. Answers that say "try again" are never kept (each
 * {@link Codec} decides; none keeps 409 busy, 429 or 5xx). Kept answers name their type from the closed set
 * {@link AnswerType}.
 */
public final class Idempotency implements AutoCloseable {
    /** How long a claim holds without renewal. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    /** How long a caller waits for another live attempt of the same request before answering "still running". */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);

    /** The closed set of answers a record may hold (never a class name read back from the store). */
    public enum AnswerType {
        HTTP(null), ERROR(null),
        CLONE(CommandResult.CloneResult.class), CLONE_LIST(CommandResult.CloneList.class),
        SAVEPOINT(CommandResult.SavepointResult.class), SNAPSHOT_LIST(CommandResult.SnapshotList.class),
        TEMPLATE_LIST(CommandResult.TemplateList.class), REFRESH(CommandResult.RefreshInfo.class),
        STATUS(CommandResult.StatusInfo.class), DONE(CommandResult.Done.class),
        TOKEN(CommandResult.TokenIssued.class), TOKEN_LIST(CommandResult.TokenList.class),
        CHECK(CommandResult.CheckResult.class);

        private final Class<? extends CommandResult> result;

        AnswerType(Class<? extends CommandResult> result) { this.result = result; }

        /** The command result type this answer holds (null for HTTP and ERROR). */
        public Class<? extends CommandResult> result() { return result; }

        public static AnswerType of(CommandResult r) {
            for (AnswerType t : values()) if (t.result == r.getClass()) return t;
            throw new IllegalArgumentException("no answer type for " + r.getClass().getSimpleName());
        }

        static AnswerType named(String name) {
            for (AnswerType t : values()) if (t.name().equals(name)) return t;
            throw new IllegalStateException("idempotency record holds an unknown answer type '" + name + "'");
        }
    }

    /** An answer as kept: its type, HTTP status and text (sealed when it holds a secret). */
    public record Kept(AnswerType type, int status, String text, boolean sealed) {}

    /** How one front keeps its answers and gives them back. {@code sealContext} is the record's name, for sealing. */
    public interface Codec<T> {
        /** The form to keep of a successful answer, or null when it says "try again" and must not be kept. */
        Kept keep(T answer, String sealContext);

        /** The form to keep of a refusal the work threw, or null (the default: nothing kept, the retry runs again). */
        default Kept keepRefusal(DollyException e) { return null; }

        /** The answer a retry gets (may throw the kept refusal). */
        T replay(Kept kept, String sealContext);
    }

    /** The key was already used for a different request. */
    public static final class KeyReused extends DollyException {
        KeyReused() { super(ErrorKind.BAD_REQUEST, "This idempotency key was already used for a different command."); }
    }

    /** Another live attempt of the same request still runs (its owner renews its lease). */
    public static final class StillRunning extends DollyException {
        StillRunning() { super(ErrorKind.CONFLICT, "The same command is still running; try again shortly."); }
    }

    private final DollyStore store;
    private final Clock clock;
    private final Duration lease;
    private final Duration wait;
    private final String instance = UUID.randomUUID().toString().substring(0, 8);
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "idempotency-lease");
        t.setDaemon(true);
        return t;
    });

    public Idempotency(DollyStore store, Clock clock, Duration lease, Duration wait) {
        this.store = store;
        this.clock = clock;
        this.lease = lease;
        this.wait = wait;
    }

    public Idempotency(DollyStore store, Clock clock) {
        this(store, clock, DEFAULT_LEASE, DEFAULT_WAIT);
    }

    /** The request hash: SHA-256 (hex) of a request's canonical text. */
    public static String sha256(String canonical) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What an answer of {@code scope/key} is sealed against (associated data). */
    public static String sealContext(String scope, String key) {
        return IdempotencyItem.pk(scope, key);
    }

    /**
     * Runs {@code work} once for {@code scope/key}: the first caller claims it and runs it (its answer kept until
     * {@code expires}, when {@code codec} keeps it); a retry gets the kept answer; while a live attempt runs, a retry
     * waits for it, then answers {@link StillRunning}; a retry of a dead attempt (lease over) runs the work itself.
     *
     * @throws KeyReused when the key was used for a request with another hash
     */
    public <T> T once(String scope, String key, String requestHash, Instant expires, Codec<T> codec, Supplier<T> work) {
        String owner = instance + ":" + UUID.randomUUID();
        String context = sealContext(scope, key);
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            IdempotencyItem there = store.claim(scope, key, requestHash, owner, clock.instant().plus(lease), expires);
            if (there == null) break;
            if (!requestHash.equals(there.getRequestHash())) throw new KeyReused();
            if (IdempotencyItem.DONE.equals(there.getState())) {
                return codec.replay(new Kept(AnswerType.named(there.getAnswerType()), there.getStatus(), there.getAnswer(),
                        there.sealedAnswer()), context);
            }
            if (System.nanoTime() > deadline) throw new StillRunning();
            Pause.sleep(50);
        }
        long every = Math.max(1, lease.toMillis() / 3);
        ScheduledFuture<?> renewal = renewals.scheduleAtFixedRate(
                () -> renew(scope, key, owner), every, every, TimeUnit.MILLISECONDS);
        try {
            T answer;
            try {
                answer = work.get();
            } catch (DollyException e) {
                finish(scope, key, owner, codec.keepRefusal(e));
                throw e;
            } catch (RuntimeException | Error e) {
                store.release(scope, key, owner);
                throw e;
            }
            finish(scope, key, owner, codec.keep(answer, context));
            return answer;
        } finally {
            renewal.cancel(false);
        }
    }

    private void renew(String scope, String key, String owner) {
        try {
            store.renew(scope, key, owner, clock.instant().plus(lease));
        } catch (RuntimeException e) {
            // the next renewal tries again; a lost lease shows when the answer is stored
        }
    }

    private void finish(String scope, String key, String owner, Kept kept) {
        if (kept == null) {
            store.release(scope, key, owner);
        } else {
            store.complete(scope, key, owner, kept.type().name(), kept.status(), kept.text(), kept.sealed());
        }
    }

    /** Stops renewing leases (claims still held lapse and are taken over by retries). */
    @Override
    public void close() {
        renewals.shutdownNow();
    }
}
