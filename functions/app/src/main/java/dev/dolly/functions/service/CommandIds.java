package dev.dolly.functions.service;

import dev.dolly.control.api.Command;

/** The clone and the template a command is about (null when it names none): for the log context of the command. */
final class CommandIds {
    private CommandIds() {}

    static String clone(Command c) {
        if (c instanceof Command.Create x) return x.cloneId();
        if (c instanceof Command.Show x) return x.cloneId();
        if (c instanceof Command.Reset x) return x.cloneId();
        if (c instanceof Command.Savepoint x) return x.cloneId();
        if (c instanceof Command.Rollback x) return x.cloneId();
        if (c instanceof Command.Destroy x) return x.cloneId();
        if (c instanceof Command.Protect x) return x.cloneId();
        if (c instanceof Command.Extend x) return x.cloneId();
        if (c instanceof Command.Password x) return x.cloneId();
        return null;
    }

    static String template(Command c) {
        if (c instanceof Command.Create x) return x.template();
        if (c instanceof Command.Snapshots x) return x.template();
        if (c instanceof Command.Refresh x) return x.template();
        return null;
    }
}
