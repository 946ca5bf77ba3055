package dev.dolly.functions.service;

import dev.dolly.agent.api.CloneView;
import dev.dolly.control.api.CloneState;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.functions.domain.Clone;
import dev.dolly.functions.store.CloneStore;
import dev.dolly.functions.store.ConflictException;
import java.time.Clock;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clone state machine, in one place: CREATING → READY ⇄ RESETTING → DESTROYING → gone (item deleted,
 * quota given back), or FAILED when a host did not answer and the outcome is unknown (the owner may retry
 * the same create, or destroy it; the reaper expires it like any other). Every move is a version-checked
 * write: a concurrent change wins and the loser gets 409.
 */
public class CloneStates {
    private static final Logger log = LoggerFactory.getLogger(CloneStates.class);

    private final CloneStore clones;
    private final Clock clock;

    public CloneStates(CloneStore clones, Clock clock) {
        this.clones = clones;
        this.clock = clock;
    }

    /** 409 unless {@code c} is in {@code state} (what {@code verb} needs). */
    static void require(Clone c, CloneState state, String verb) {
        if (c.state() != state) {
            throw new DollyException(ErrorKind.CONFLICT, "Clone " + c.id() + " is " + c.state().name().toLowerCase(Locale.ROOT)
                    + (c.failure() == null ? "" : " (" + c.failure() + ")") + "; " + verb + " needs it ready"
                    + (c.state() == CloneState.FAILED ? ". Destroy it, or create it again." : ". Try again in a moment."));
        }
    }

    /** CREATING → READY, with where the host serves it. */
    Clone created(Clone creating, CloneView v) {
        return move(creating, creating.id(), CloneState.CREATING, it -> served(it.toBuilder().state(CloneState.READY).stateSince(clock.instant()), v).build());
    }

    /** READY → RESETTING. */
    Clone resetting(Clone ready) {
        return move(ready, ready.id(), CloneState.READY, it -> it.toBuilder().state(CloneState.RESETTING).stateSince(clock.instant()).build());
    }

    /** RESETTING → READY after the host reset it (counts as activity). */
    Clone reset(Clone resetting, CloneView v) {
        return move(resetting, resetting.id(), CloneState.RESETTING, it -> served(it.toBuilder().state(CloneState.READY)
                .stateSince(clock.instant()).lastActivityAt(clock.instant()), v).build());
    }

    /** RESETTING → READY when the host refused or failed the reset (the clone is as it was). */
    Clone resetFailed(String id) {
        return move(null, id, CloneState.RESETTING, it -> it.toBuilder().state(CloneState.READY).stateSince(clock.instant()).build());
    }

    /** Any state → DESTROYING (unchanged when already there). */
    Clone destroying(Clone c) {
        if (c.state() == CloneState.DESTROYING) return c;
        return move(c, c.id(), c.state(), it -> it.toBuilder().state(CloneState.DESTROYING).stateSince(clock.instant()).build());
    }

    /** A FAILED clone taken over by its owner's new create: back to CREATING (its quota is already charged). */
    static Clone.Builder retaken(Clone failed) {
        return failed.toBuilder().state(CloneState.CREATING).failure(null).ghost(false);
    }

    /** Any state → FAILED with {@code why}; logged, not thrown, when it cannot be recorded. */
    void markFailed(String id, String why) {
        try {
            change(id, it -> it.toBuilder().state(CloneState.FAILED).stateSince(clock.instant()).failure(why).build());
        } catch (RuntimeException e) {
            log.warn("could not mark clone {} FAILED: {}", id, e.toString());
        }
    }

    /** Where the host serves the clone, as its answer says. */
    static Clone.Builder served(Clone.Builder it, CloneView v) {
        it.port(v.port()).database(v.database()).user(v.user());
        if (v.host() != null) it.connectHost(v.host());
        if (v.snapshot() != null) it.snapshot(v.snapshot());
        if (v.postgres() != null) it.postgres(v.postgres());
        return it;
    }

    /** Moves a clone out of {@code from}, starting from {@code known} (a fresh read) when given; re-read on version conflicts. */
    private Clone move(Clone known, String id, CloneState from, UnaryOperator<Clone> change) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Clone c = attempt == 0 && known != null ? known : clones.find(id);
            if (c == null) {
                throw new DollyException(ErrorKind.NOT_FOUND, "Clone " + id + " was destroyed meanwhile.");
            }
            if (c.state() != from) {
                throw new DollyException(ErrorKind.CONFLICT, "Clone " + id + " is " + c.state().name().toLowerCase(Locale.ROOT)
                        + " now (another request changed it); try again.");
            }
            try {
                return clones.update(change.apply(c));
            } catch (ConflictException e) {
                // changed but maybe still in `from` (e.g. last activity): read again
            }
        }
        throw new DollyException(ErrorKind.CONFLICT, "Clone " + id + " is being changed by other requests; try again.");
    }

    /** A change that holds in any state, retried on version conflicts. */
    Clone change(String id, UnaryOperator<Clone> change) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Clone c = clones.find(id);
            if (c == null) throw new DollyException(ErrorKind.NOT_FOUND, "Clone " + id + " was destroyed meanwhile.");
            try {
                return clones.update(change.apply(c));
            } catch (ConflictException e) {
                Pause.sleep(5L * (attempt + 1));
            }
        }
        throw new DollyException(ErrorKind.CONFLICT, "Clone " + id + " is being changed by other requests; try again.");
    }
}
