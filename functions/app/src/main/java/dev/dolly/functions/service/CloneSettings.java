package dev.dolly.functions.service;

import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.UpdateCloneRequest;
import dev.dolly.control.api.CloneState;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.agent.api.client.AgentException;
import dev.dolly.functions.auth.Authorizer;
import dev.dolly.config.Durations;
import dev.dolly.functions.domain.Clone;
import dev.dolly.functions.store.DollyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** A clone's settings, changed in any state it is served in: protection, expiry ({@code extend}), password. */
class CloneSettings {
    private final Authorizer auth;
    private final DollyStore audit;
    private final CloneStates states;
    private final CloneLookup lookup;
    private final Clock clock;

    CloneSettings(Authorizer auth, DollyStore audit, CloneStates states, CloneLookup lookup, Clock clock) {
        this.auth = auth;
        this.audit = audit;
        this.states = states;
        this.lookup = lookup;
        this.clock = clock;
    }

    CommandResult protect(Principal p, Front front, Command.Protect pr) {
        Clone c = lookup.existing(pr.cloneId());
        auth.check(p, pr, c.template(), c.owner());
        if (served(c)) {
            try {
                lookup.agent(c).update(c.id(), new UpdateCloneRequest(pr.on(), null, null));
            } catch (AgentException e) {
                throw Errors.from(e, (pr.on() ? "protect" : "unprotect") + " clone '" + c.id() + "'");
            }
        }
        Clone after = states.change(c.id(), it -> it.toBuilder().protectedClone(pr.on()).build());
        audit.audit("clone:" + c.id(), Authorizer.actor(p), front.name(), "protect", pr.on() ? "on" : "off", null);
        return new CommandResult.CloneResult(Views.info(after), null, pr.on()
                ? "Clone " + c.id() + " is protected: it will not expire." : "Clone " + c.id() + " is no longer protected.");
    }

    CommandResult extend(Principal p, Front front, Command.Extend e) {
        Clone c = lookup.existing(e.cloneId());
        auth.check(p, e, c.template(), c.owner());
        if (e.by() == null || e.by().isNegative() || e.by().isZero()) {
            throw new DollyException(ErrorKind.BAD_REQUEST, "by: how long to extend is missing, e.g. extend " + c.id() + " 4h.");
        }
        Instant now = clock.instant();
        Instant from = c.expiresAt() == null || c.expiresAt().isBefore(now) ? now : c.expiresAt();
        Instant until = from.plus(e.by());
        Duration max = auth.maxTtl(p, c.template());
        if (Duration.between(now, until).compareTo(max) > 0) {
            throw new DollyException(ErrorKind.QUOTA_EXCEEDED, "ttl: clones of '" + c.template() + "' may live at most "
                    + Durations.format(max) + " from now; extend by at most "
                    + Durations.format(Duration.between(from, now.plus(max)).isNegative() ? Duration.ZERO : Duration.between(from, now.plus(max)).withNanos(0)) + ".");
        }
        if (served(c)) {
            try {
                lookup.agent(c).update(c.id(), new UpdateCloneRequest(null, until, null));
            } catch (AgentException ex) {
                throw Errors.from(ex, "extend clone '" + c.id() + "'");
            }
        }
        Clone after = states.change(c.id(), it -> it.toBuilder().expiresAt(until).warnedFor(null).build());
        audit.audit("clone:" + c.id(), Authorizer.actor(p), front.name(), "extend", "done", until.toString());
        return new CommandResult.CloneResult(Views.info(after), null, "Clone " + c.id() + " now expires at " + until + ".");
    }

    CommandResult password(Principal p, Front front, Command.Password pw) {
        Clone c = lookup.existing(pw.cloneId());
        auth.check(p, pw, c.template(), c.owner());
        CloneStates.require(c, CloneState.READY, "password");
        try {
            CloneCredentials creds = lookup.agent(c).rotatePassword(c.id());
            audit.audit("clone:" + c.id(), Authorizer.actor(p), front.name(), "password", "rotated", null);
            return new CommandResult.CloneResult(Views.info(c), creds.password(),
                    "New password for clone " + c.id() + " (the old one no longer works).");
        } catch (AgentException e) {
            throw Errors.from(e, "rotate the password of clone '" + c.id() + "'");
        }
    }

    /** Whether its host serves it now (so a setting must reach the host too). */
    private static boolean served(Clone c) {
        return c.hostName() != null && (c.state() == CloneState.READY || c.state() == CloneState.RESETTING);
    }
}
