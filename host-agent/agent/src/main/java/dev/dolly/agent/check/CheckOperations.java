package dev.dolly.agent.check;

import dev.dolly.agent.api.CheckRequest;
import dev.dolly.agent.api.CheckView;

/** The migration-check routes of the agent API (see {@link dev.dolly.agent.api.AgentPaths}). */
public interface CheckOperations {
    /** Starts a check on a clone; idempotent by {@link CheckRequest#checkId()}. */
    CheckView start(String cloneId, CheckRequest request);

    CheckView get(String checkId);

    /** Observe mode: stop observing and report; a finished check answers its view again. */
    CheckView finish(String checkId);
}
