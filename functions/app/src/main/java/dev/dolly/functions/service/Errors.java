package dev.dolly.functions.service;

import dev.dolly.agent.api.client.AgentException;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Agent failures as user-facing {@link DollyException}s. */
final class Errors {
    private static final Logger log = LoggerFactory.getLogger(Errors.class);

    private Errors() {}

    static DollyException from(AgentException e, String doing) {
        if (e instanceof AgentException.Unavailable) {
            return new DollyException(ErrorKind.UNAVAILABLE, "Could not " + doing + ": " + e.getMessage() + ". Try again in a minute.", e);
        }
        AgentException.Refused r = (AgentException.Refused) e;
        ErrorKind kind = switch (r.code()) {
            case INVALID_NAME, INVALID_REQUEST, SOURCE_REFUSED -> ErrorKind.BAD_REQUEST;
            case UNKNOWN_TEMPLATE, UNKNOWN_SNAPSHOT, UNKNOWN_CLONE, UNKNOWN_SAVEPOINT, UNKNOWN_JOB, UNKNOWN_CHECK -> ErrorKind.NOT_FOUND;
            case CONFLICT -> ErrorKind.CONFLICT;
            case POOL_FULL, PORTS_EXHAUSTED -> ErrorKind.UNAVAILABLE;
            default -> ErrorKind.INTERNAL;
        };
        if (r.code() == dev.dolly.agent.api.ErrorCode.BAD_SIGNATURE) {
            log.error("host {} refused our signature: the agent secret (hosts[].secretEnv) does not match the agent's", r.host());
            return new DollyException(ErrorKind.INTERNAL, "Could not " + doing + ": host " + r.host() + " is misconfigured. An admin has to check its secret.", e);
        }
        if (kind == ErrorKind.INTERNAL) {
            log.warn("host {} failed to {}: {} {}", r.host(), doing, r.code(), r.getMessage());
        }
        return new DollyException(kind, "Could not " + doing + ": " + r.getMessage(), e);
    }
}
