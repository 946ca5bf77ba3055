package dev.dolly.functions.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.auth.Authorizer;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.IdempotencyItem;
import java.time.Clock;
import java.time.Duration;

/**
 * Runs a command at most once per idempotency key and principal: the first run's answer (without any
 * password) is stored, a retry with the same key and command gets it back, one with a different command a
 * 400, one while the first still runs waits for it.
 */
class IdempotentCommands {
    private static final Duration IDEMPOTENCY_TTL = Duration.ofHours(24);

    /** What actually runs a command. */
    interface Runner {
        CommandResult run(Principal principal, Front front, Command command);
    }

    private final DollyStore store;
    private final Clock clock;
    private final ObjectMapper json = dev.dolly.agent.api.AgentJson.mapper();

    IdempotentCommands(DollyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    CommandResult execute(Principal principal, Front front, Command command, String idempotencyKey, Runner runner) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            return runner.run(principal, front, command);
        }
        String scope = "cmd:" + Authorizer.key(principal);
        String hash = Integer.toHexString(command.toString().hashCode());
        IdempotencyItem existing = store.claim(scope, idempotencyKey, hash, clock.instant().plus(IDEMPOTENCY_TTL));
        for (int i = 0; existing != null && IdempotencyItem.IN_PROGRESS.equals(existing.getState()) && i < 300; i++) {
            Pause.sleep(100);
            existing = store.idempotency(scope, idempotencyKey);
            if (existing == null) return execute(principal, front, command, idempotencyKey, runner);
        }
        if (existing != null) {
            if (!hash.equals(existing.getRequestHash())) {
                throw new DollyException(ErrorKind.BAD_REQUEST, "This idempotency key was already used for a different command.");
            }
            if (IdempotencyItem.IN_PROGRESS.equals(existing.getState())) {
                throw new DollyException(ErrorKind.CONFLICT, "The same command is still running; try again shortly.");
            }
            return replay(existing);
        }
        try {
            CommandResult r = runner.run(principal, front, command);
            store.complete(scope, idempotencyKey, 200, storedForm(r), false);
            return r;
        } catch (DollyException e) {
            if (e.kind() == ErrorKind.UNAVAILABLE || e.kind() == ErrorKind.INTERNAL) {
                store.release(scope, idempotencyKey);
            } else {
                store.complete(scope, idempotencyKey, e.kind().httpStatus(), e.kind().name() + ":" + e.getMessage(), false);
            }
            throw e;
        } catch (RuntimeException e) {
            store.release(scope, idempotencyKey);
            throw e;
        }
    }

    /** The stored first answer: results without passwords (nothing stores a password in clear). */
    private String storedForm(CommandResult r) {
        try {
            if (r instanceof CommandResult.CloneResult cr && cr.password() != null) {
                r = new CommandResult.CloneResult(cr.info(), null, cr.message());
            }
            return r.getClass().getName() + "\n" + json.writeValueAsString(r);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private CommandResult replay(IdempotencyItem item) {
        String a = item.getAnswer();
        if (item.getStatus() != 200) {
            int colon = a.indexOf(':');
            throw new DollyException(ErrorKind.valueOf(a.substring(0, colon)), a.substring(colon + 1));
        }
        try {
            int nl = a.indexOf('\n');
            Class<?> type = Class.forName(a.substring(0, nl));
            CommandResult r = (CommandResult) json.readValue(a.substring(nl + 1), type);
            if (r instanceof CommandResult.CloneResult cr) {
                return new CommandResult.CloneResult(cr.info(), null,
                        "Already done (same idempotency key). The password is shown only once; use `password` to rotate it.");
            }
            return r;
        } catch (Exception e) {
            throw new IllegalStateException("unreadable idempotency record", e);
        }
    }
}
