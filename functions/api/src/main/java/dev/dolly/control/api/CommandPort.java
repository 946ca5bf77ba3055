package dev.dolly.control.api;

/** The one entry into Dolly's lifecycle logic; implemented by the control plane, called by every front. */
public interface CommandPort {
    /**
     * Authorizes and executes {@code command} for {@code principal}.
     *
     * @param idempotencyKey optional; a repeated key returns the first result and does nothing else
     * @throws DollyException when refused or failed, with a message for the user
     */
    CommandResult execute(Principal principal, Front front, Command command, String idempotencyKey);

    default CommandResult execute(Principal principal, Front front, Command command) {
        return execute(principal, front, command, null);
    }
}
