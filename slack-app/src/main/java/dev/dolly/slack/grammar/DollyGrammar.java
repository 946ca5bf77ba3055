package dev.dolly.slack.grammar;

import dev.dolly.control.api.Command;

import java.time.Duration;
import java.util.List;

import static dev.dolly.slack.grammar.ValueType.DURATION;
import static dev.dolly.slack.grammar.ValueType.NAME;
import static dev.dolly.slack.grammar.ValueType.SNAPSHOT_ID;
import static dev.dolly.slack.grammar.ValueType.WORD;

/** The {@code /dolly} grammar: every verb Dolly understands, declared once; help is generated from it. */
public final class DollyGrammar {
    /** How long {@code extend} adds when no {@code --by} is given. */
    public static final Duration DEFAULT_EXTEND = Duration.ofHours(4);
    public static final String SHARE = "share";
    /** How long a personal token lives when no {@code --ttl} is given. */
    public static final Duration DEFAULT_TOKEN_TTL = Duration.ofDays(90);

    private DollyGrammar() {}

    public static Grammar create(String slashCommand) {
        Param clone = new Param("clone", NAME, "the clone's name");
        Param template = new Param("template", NAME, "the template's name (`templates` lists them)");
        return new Grammar(slashCommand, List.of(
                verb("help", "Show this help, or the details of one command.",
                        List.of(), List.of(new Param("command", WORD, "a command to explain")), List.of(),
                        List.of("help", "help create"), Verb.noCommand()),
                verb("create", "Create your own writable, masked clone of a template. Its password is shown once, only to you.",
                        List.of(template), List.of(),
                        List.of(Flag.option("name", NAME, "<clone>", "the clone's name (default: `<template>-<your user name>`)"),
                                Flag.option("ttl", DURATION, "4h", "how long the clone lives (default: the template's)"),
                                Flag.option("snapshot", SNAPSHOT_ID, "<id>", "clone this snapshot instead of the newest")),
                        List.of("create shop", "create shop --name shop-bugfix --ttl 2d"),
                        a -> new Command.Create(a.string("template"),
                                a.has("name") ? a.string("name") : defaultCloneName(a.string("template"), a.userName(), a.userId()),
                                a.duration("ttl"), a.string("snapshot"), true)),
                verb("list", "List your clones.", List.of(), List.of(),
                        List.of(Flag.toggle("all", "everyone's clones (admins)")),
                        List.of("list", "list --all"), a -> new Command.ListClones(a.flag("all"))),
                verb("show", "Show one clone: state, snapshot, expiry, connection string.", List.of(clone), List.of(), List.of(),
                        List.of("show shop-alice"), a -> new Command.Show(a.string("clone"))),
                verb("reset", "Throw away all changes: back to the clone's creation state, or to a savepoint.",
                        List.of(clone), List.of(),
                        List.of(Flag.option("savepoint", NAME, "<name>", "reset to this savepoint instead")),
                        List.of("reset shop-alice", "reset shop-alice --savepoint before-migration"),
                        a -> new Command.Reset(a.string("clone"), a.string("savepoint"))),
                verb("savepoint", "Remember the clone's current state under a name.",
                        List.of(clone, new Param("name", NAME, "the savepoint's name")), List.of(), List.of(),
                        List.of("savepoint shop-alice before-migration"),
                        a -> new Command.Savepoint(a.string("clone"), a.string("name"))),
                verb("rollback", "Roll the clone back to a savepoint.",
                        List.of(clone, new Param("savepoint", NAME, "the savepoint's name")), List.of(), List.of(),
                        List.of("rollback shop-alice before-migration"),
                        a -> new Command.Rollback(a.string("clone"), a.string("savepoint"))),
                verb("destroy", "Destroy a clone and its data.", List.of(clone), List.of(), List.of(),
                        List.of("destroy shop-alice"), a -> new Command.Destroy(a.string("clone"))),
                verb("protect", "Keep a clone from expiring (admins), or stop protecting it.", List.of(clone), List.of(),
                        List.of(Flag.toggle("off", "stop protecting it")),
                        List.of("protect shop-demo", "protect shop-demo --off"),
                        a -> new Command.Protect(a.string("clone"), !a.flag("off"))),
                verb("extend", "Give a clone more time before it expires.", List.of(clone),
                        List.of(new Param("by", DURATION, "how much longer, as with `--by`")),
                        List.of(Flag.option("by", DURATION, "4h", "how much longer (default " + Durations.format(DEFAULT_EXTEND) + ")")),
                        List.of("extend shop-alice", "extend shop-alice 8h", "extend shop-alice --by 1d"),
                        a -> new Command.Extend(a.string("clone"), a.has("by") ? a.duration("by") : DEFAULT_EXTEND)),
                verb("password", "Rotate the clone's password and show the new one, only to you.", List.of(clone), List.of(), List.of(),
                        List.of("password shop-alice"), a -> new Command.Password(a.string("clone"))),
                verb("snapshots", "List a template's snapshots, newest first.", List.of(template), List.of(), List.of(),
                        List.of("snapshots shop"), a -> new Command.Snapshots(a.string("template"))),
                verb("refresh", "Build a new masked snapshot of a template from its source (admins).", List.of(template), List.of(),
                        List.of(), List.of("refresh shop"), a -> new Command.Refresh(a.string("template"))),
                verb("templates", "List the templates you can clone.", List.of(), List.of(), List.of(),
                        List.of("templates"), a -> new Command.Templates()),
                verb("status", "Hosts, clone count and running refreshes.", List.of(), List.of(), List.of(),
                        List.of("status"), a -> new Command.Status()),
                verb("check", "Check a migration on a full-size masked clone of a template, with production-like traffic: "
                                + "paste its SQL in the dialog that opens. The report names the locks it takes, what they block, "
                                + "rewrites, errors and lint findings.",
                        List.of(template), List.of(),
                        List.of(Flag.toggle("keep", "keep the clone for investigation (default: destroyed after the check)")),
                        List.of("check shop", "check shop --keep"),
                        a -> new Command.Check(a.string("template"), List.of(), null, a.flag("keep"), true)),
                verb("token", "Issue a personal token for the `dolly` CLI and the user API, shown once, only to you; "
                                + "`token list` lists yours, `token revoke <id>` revokes one.",
                        List.of(), List.of(new Param("action", WORD, "`list` or `revoke` (without it: issue a new token)"),
                                new Param("id", NAME, "the token's id, for `revoke` (`token list` shows it)")),
                        List.of(Flag.option("ttl", DURATION, "30d", "how long a new token lives (default "
                                        + Durations.format(DEFAULT_TOKEN_TTL) + ")"),
                                Flag.toggle("all", "with `list`: everyone's tokens (admins)")),
                        List.of("token", "token --ttl 30d", "token list", "token revoke tok-3f9a1c2b"),
                        DollyGrammar::token)),
                "help",
                List.of(Flag.toggle(SHARE, "post the answer in the channel instead of only to you (never credentials)")));
    }

    /** {@code token}, {@code token list [--all]}, {@code token revoke <id>}: one verb, its action the first word. */
    private static Command token(Arguments a) {
        String action = a.string("action");
        if (action == null) {
            if (a.flag("all")) throw new IllegalArgumentException("`--all` goes with `token list`");
            return new Command.TokenIssue(a.has("ttl") ? a.duration("ttl") : DEFAULT_TOKEN_TTL, a.userName());
        }
        if (a.has("ttl")) throw new IllegalArgumentException("`--ttl` goes with a new token: `token --ttl 30d`");
        switch (action) {
            case "list" -> {
                if (a.has("id")) throw new IllegalArgumentException("`token list` takes no id");
                return new Command.TokenList(a.flag("all"));
            }
            case "revoke" -> {
                if (!a.has("id")) throw new IllegalArgumentException("`token revoke` needs the token's id: `token list` shows it");
                if (a.flag("all")) throw new IllegalArgumentException("`--all` goes with `token list`");
                return new Command.TokenRevoke(a.string("id"));
            }
            default -> throw new IllegalArgumentException("`token " + action + "` is not a token command: use `token`, `token list` "
                    + "or `token revoke <id>`");
        }
    }

    /**
     * The clone name {@code create} uses when none is given: the template, a dash and the Slack user name, reduced to
     * what clone names allow ({@code shop-alice}); the user id when the name has nothing usable.
     */
    public static String defaultCloneName(String template, String userName, String userId) {
        String who = slug(userName);
        if (who.isEmpty()) who = slug(userId);
        if (who.isEmpty()) who = "me";
        String name = template + "-" + who;
        if (name.length() > 63) name = name.substring(0, 63).replaceAll("[-_]+$", "");
        return name;
    }

    private static String slug(String s) {
        if (s == null) return "";
        return s.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    }

    private static Verb verb(String name, String summary, List<Param> required, List<Param> optional, List<Flag> flags,
                             List<String> examples, Verb.Builder builder) {
        return new Verb(name, summary, required, optional, flags, examples, builder);
    }
}
