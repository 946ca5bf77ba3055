package dev.dolly.functions.service;

import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.functions.agent.AgentClient;
import dev.dolly.functions.agent.AgentClients;
import dev.dolly.functions.domain.Clone;
import dev.dolly.functions.store.CloneStore;
import java.util.regex.Pattern;

/** Finds the clone a command names (or answers 400/404), the host agent it lives on, and checks names. */
class CloneLookup {
    /** Clone, snapshot and savepoint names: what the agent accepts, and safe in URLs and ZFS. */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

    private final CloneStore clones;
    private final AgentClients agents;

    CloneLookup(CloneStore clones, AgentClients agents) {
        this.clones = clones;
        this.agents = agents;
    }

    /** The clone named {@code id}; 400 when no name is given, 404 when there is none. */
    Clone existing(String id) {
        if (id == null || id.isBlank()) {
            throw new DollyException(ErrorKind.BAD_REQUEST, "clone: which clone is missing.");
        }
        Clone c = NAME.matcher(id).matches() ? clones.find(id) : null;
        if (c == null) {
            throw new DollyException(ErrorKind.NOT_FOUND, "clone: there is no clone '" + id + "'. `list` shows yours.");
        }
        return c;
    }

    /** The agent of the host {@code c} lives on; 503 when that host is not configured any more. */
    AgentClient agent(Clone c) {
        if (c.hostName() == null || !agents.knows(c.hostName())) {
            throw new DollyException(ErrorKind.UNAVAILABLE, "Clone " + c.id() + " lives on host " + c.hostName()
                    + ", which is not configured any more. An admin has to look at it.");
        }
        return agents.get(c.hostName());
    }

    static void validName(String field, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new DollyException(ErrorKind.BAD_REQUEST, field + ": '" + value + "' is not a valid name "
                    + "(lowercase letters, digits, '-' and '_', starting with a letter, at most 63 characters).");
        }
    }
}
