package dev.dolly.functions.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.functions.service.Idempotency.AnswerType;
import dev.dolly.functions.service.Idempotency.Kept;
import java.util.Set;

/**
 * How the command port keeps its answers (Slack triggers, scheduler events): results without any password or
 * personal token (nothing keeps one in clear: a create's retry is told to rotate it), refusals that a retry would get again;
 * never an answer that says "try again" (409, 429, 503, 500).
 */
final class CommandAnswers implements Idempotency.Codec<CommandResult> {
    private static final Set<ErrorKind> TRY_AGAIN = Set.of(ErrorKind.CONFLICT, ErrorKind.QUOTA_EXCEEDED, ErrorKind.UNAVAILABLE,
            ErrorKind.INTERNAL);
    private final ObjectMapper json = dev.dolly.agent.api.AgentJson.mapper();

    /** The SHA-256 of a command's canonical form: its verb's type and its fields as JSON. */
    String hash(Command command) {
        try {
            return Idempotency.sha256(command.getClass().getSimpleName() + "\n" + json.writeValueAsString(command));
        } catch (Exception e) {
            throw new IllegalStateException("command not serializable", e);
        }
    }

    @Override
    public Kept keep(CommandResult r, String sealContext) {
        if (r instanceof CommandResult.CloneResult cr && cr.password() != null) {
            r = new CommandResult.CloneResult(cr.info(), null, cr.message());
        }
        if (r instanceof CommandResult.TokenIssued t) r = new CommandResult.TokenIssued(t.info(), null, t.message());
        if (r instanceof CommandResult.CheckResult c && c.password() != null) r = withoutPassword(c);
        try {
            return new Kept(AnswerType.of(r), 200, json.writeValueAsString(r), false);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static CommandResult.CheckResult withoutPassword(CommandResult.CheckResult c) {
        return new CommandResult.CheckResult(c.check(), c.mode(), c.state(), c.template(), c.cloneId(), c.verdict(), c.cloneMs(),
                c.durationMs(), c.totalMs(), c.findings(), c.worst(), c.reportJson(), c.cloneInfo(), null, c.kept(), c.error(),
                "Already started (same idempotency key). The password is shown only once; use `password " + c.cloneId() + "` to rotate it.");
    }

    @Override
    public Kept keepRefusal(DollyException e) {
        if (TRY_AGAIN.contains(e.kind())) return null;
        return new Kept(AnswerType.ERROR, e.kind().httpStatus(), e.kind().name() + ":" + e.getMessage(), false);
    }

    @Override
    public CommandResult replay(Kept kept, String sealContext) {
        if (kept.type() == AnswerType.ERROR) {
            int colon = kept.text().indexOf(':');
            throw new DollyException(ErrorKind.valueOf(kept.text().substring(0, colon)), kept.text().substring(colon + 1));
        }
        if (kept.type().result() == null) throw new IllegalStateException("a command's record holds a " + kept.type() + " answer");
        try {
            CommandResult r = json.readValue(kept.text(), kept.type().result());
            if (r instanceof CommandResult.CloneResult cr) {
                return new CommandResult.CloneResult(cr.info(), null,
                        "Already done (same idempotency key). The password is shown only once; use `password` to rotate it.");
            }
            if (r instanceof CommandResult.TokenIssued t) {
                return new CommandResult.TokenIssued(t.info(), null,
                        "Already done (same idempotency key). A token is shown only once; issue another with `token`, revoke this one.");
            }
            return r;
        } catch (Exception e) {
            throw new IllegalStateException("unreadable idempotency record", e);
        }
    }
}
