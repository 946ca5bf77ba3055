package dev.dolly.control.api;

import java.time.Duration;
import java.util.List;

/**
 * Everything a principal can ask of Dolly. Names are validated by the executing service;
 * optional fields are null when not given.
 */
public sealed interface Command {
    /** Short verb as users type it ({@code create}, {@code reset}, …). */
    String verb();

    /** Create a clone of {@code template}; {@code cloneId} null means "derive a name"; {@code waitReady} blocks until it serves. */
    record Create(String template, String cloneId, Duration ttl, String snapshot, boolean waitReady) implements Command {
        public String verb() { return "create"; }
    }

    /** The asking principal's clones, or all clones with {@code all} (admins). */
    record ListClones(boolean all) implements Command {
        public String verb() { return "list"; }
    }

    record Show(String cloneId) implements Command {
        public String verb() { return "show"; }
    }

    /** Back to the creation state, or to {@code savepoint} when given. */
    record Reset(String cloneId, String savepoint) implements Command {
        public String verb() { return "reset"; }
    }

    record Savepoint(String cloneId, String name) implements Command {
        public String verb() { return "savepoint"; }
    }

    record Rollback(String cloneId, String savepoint) implements Command {
        public String verb() { return "rollback"; }
    }

    record Destroy(String cloneId) implements Command {
        public String verb() { return "destroy"; }
    }

    record Protect(String cloneId, boolean on) implements Command {
        public String verb() { return "protect"; }
    }

    record Extend(String cloneId, Duration by) implements Command {
        public String verb() { return "extend"; }
    }

    /** Rotate the clone owner's password; the only way to see a password again. */
    record Password(String cloneId) implements Command {
        public String verb() { return "password"; }
    }

    record Snapshots(String template) implements Command {
        public String verb() { return "snapshots"; }
    }

    record Refresh(String template) implements Command {
        public String verb() { return "refresh"; }
    }

    record Templates() implements Command {
        public String verb() { return "templates"; }
    }

    record Status() implements Command {
        public String verb() { return "status"; }
    }

    /**
     * Issue a personal token for the asking Slack user, living {@code ttl} (null: the default, 90 days);
     * {@code userName} is the user's Slack name (what {@code create} names clones after when the token asks).
     */
    record TokenIssue(Duration ttl, String userName) implements Command {
        public String verb() { return "token"; }
    }

    /** The asking user's personal tokens, or everyone's with {@code all} (admins). */
    record TokenList(boolean all) implements Command {
        public String verb() { return "token list"; }
    }

    /** Revoke a personal token by its id: one's own, or anyone's (admins). */
    record TokenRevoke(String tokenId) implements Command {
        public String verb() { return "token revoke"; }
    }

    /** One migration file of a check: its name as the CI job knows it ({@code V7__orders_index.sql}) and its SQL. */
    record MigrationFile(String name, String sql) {
        @Override
        public String toString() { return "MigrationFile[name=" + name + ", " + (sql == null ? 0 : sql.length()) + " chars]"; }
    }

    /**
     * Files mode of the migration check (issue 14): clone {@code template} (at {@code snapshot}, or its current one), run
     * {@code migrations} on the clone statement by statement, answer the report; the clone is destroyed unless
     * {@code keep}. {@code waitDone} false answers at once with the check id (ask {@link CheckFinish} for the report).
     */
    record Check(String template, List<MigrationFile> migrations, String snapshot, boolean keep, boolean waitDone) implements Command {
        public Check {
            migrations = migrations == null ? List.of() : List.copyOf(migrations);
        }

        public String verb() { return "check"; }
    }

    /**
     * Observe mode: clone {@code template} and start observing it; the answer is the clone's connection (as create's)
     * and the check id. The caller runs its own migration tool against it, then sends {@link CheckFinish}.
     */
    record CheckStart(String template, String snapshot, boolean keep, boolean waitReady) implements Command {
        public String verb() { return "check-start"; }
    }

    /**
     * The report of check {@code checkId} (observe mode: stop observing first; files mode: wait for the migrations),
     * destroying its clone unless the check or {@code keep} (null: as the check was started) says to keep it.
     */
    record CheckFinish(String checkId, Boolean keep) implements Command {
        public String verb() { return "check-finish"; }
    }
}
