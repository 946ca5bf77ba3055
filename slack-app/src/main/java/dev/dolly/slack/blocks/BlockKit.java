package dev.dolly.slack.blocks;

import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.ConfirmationDialogObject;
import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.block.composition.TextObject;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.view.View;
import dev.dolly.control.api.CloneInfo;
import dev.dolly.control.api.CloneState;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.slack.grammar.Durations;
import dev.dolly.slack.grammar.Grammar;
import dev.dolly.slack.grammar.ParseResult;
import dev.dolly.slack.grammar.Verb;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;
import static com.slack.api.model.block.element.BlockElements.staticSelect;
import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewSubmit;
import static com.slack.api.model.view.Views.viewTitle;

/**
 * Renders command results, errors, help, the App Home tab, the Extend dialog and notifications as Block Kit.
 * Pure functions of their inputs and the injected clock; no Slack calls.
 */
public final class BlockKit {
    public static final String ACTION_RESET = "dolly_reset";
    public static final String ACTION_DESTROY = "dolly_destroy";
    public static final String ACTION_EXTEND = "dolly_extend";
    public static final String EXTEND_MODAL = "dolly_extend_modal";
    public static final String EXTEND_BLOCK = "extend_by";
    public static final String EXTEND_SELECT = "extend_by_select";
    /** What the Extend dialog offers, in {@link Durations} form. */
    public static final List<String> EXTEND_CHOICES = List.of("1h", "4h", "8h", "1d", "3d");

    /** Slack allows 50 blocks in a message and 100 in a view; a clone takes up to 4. */
    static final int MAX_CLONES_IN_MESSAGE = 10;
    static final int MAX_CLONES_IN_HOME = 20;
    private static final int MAX_SECTION = 2900;
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Clock clock;
    private final Grammar grammar;

    public BlockKit(Clock clock, Grammar grammar) {
        this.clock = clock;
        this.grammar = grammar;
    }

    // ---------------------------------------------------------------- command results

    /**
     * The replies to a successful command. Everything is ephemeral unless the user asked for {@code --share} (or the
     * command is {@code refresh}, which the team should see); credentials always go in a separate ephemeral reply.
     */
    public List<Reply> result(ParseResult.Parsed parsed, CommandResult result) {
        Command command = parsed.command();
        Reply.Visibility visibility = parsed.share() || command instanceof Command.Refresh
                ? Reply.Visibility.IN_CHANNEL : Reply.Visibility.EPHEMERAL;
        List<Reply> replies = new ArrayList<>();
        if (result instanceof CommandResult.CloneResult r) {
            List<LayoutBlock> blocks = new ArrayList<>();
            if (r.message() != null && !r.message().isBlank()) blocks.add(mrkdwn(outcomeIcon(command) + " " + esc(r.message())));
            blocks.addAll(cloneCard(r.info(), true));
            String text = cloneText(r.info());
            if (r.password() == null) {
                replies.add(new Reply(text, blocks, visibility, false, false));
            } else if (visibility == Reply.Visibility.EPHEMERAL) {
                blocks.addAll(credentials(r.info(), r.password()));
                replies.add(new Reply(text, blocks, Reply.Visibility.EPHEMERAL, true, false));
            } else {
                replies.add(new Reply(text, blocks, visibility, false, false));
                replies.add(new Reply("Credentials for " + r.info().id() + " (only you can see this)",
                        credentials(r.info(), r.password()), Reply.Visibility.EPHEMERAL, true, false));
            }
        } else if (result instanceof CommandResult.CloneList r) {
            boolean all = command instanceof Command.ListClones l && l.all();
            replies.add(new Reply(r.clones().size() + " clone(s)", cloneList(r.clones(), all), visibility, false, false));
        } else if (result instanceof CommandResult.SavepointResult r) {
            var sp = r.savepoint();
            String msg = (r.message() != null && !r.message().isBlank() ? esc(r.message()) + "\n" : "")
                    + ":round_pushpin: Savepoint `" + sp.name() + "` of `" + sp.cloneId() + "`"
                    + (sp.createdAt() == null ? "" : " taken " + date(sp.createdAt()))
                    + ".\nBack to it: `" + grammar.command() + " rollback " + sp.cloneId() + " " + sp.name() + "`";
            replies.add(new Reply("Savepoint " + sp.name() + " of " + sp.cloneId(), List.of(mrkdwn(msg)), visibility, false, false));
        } else if (result instanceof CommandResult.SnapshotList r) {
            replies.add(new Reply("Snapshots of " + r.template(), snapshotList(r), visibility, false, false));
        } else if (result instanceof CommandResult.TemplateList r) {
            replies.add(new Reply(r.templates().size() + " template(s)", templateList(r), visibility, false, false));
        } else if (result instanceof CommandResult.RefreshInfo r) {
            replies.add(new Reply(refreshText(r), refreshBlocks(r), visibility, false, false));
        } else if (result instanceof CommandResult.StatusInfo r) {
            replies.add(new Reply("Dolly status", status(r), visibility, false, false));
        } else if (result instanceof CommandResult.TokenIssued r) {
            // a credential: only the asking user sees it, whatever --share says
            String msg = ":key: " + esc(r.message());
            if (r.token() != null) {
                msg += "\n```" + r.token() + "```\nIn a terminal: `dolly login` and paste it, or `export DOLLY_TOKEN=…`. "
                        + "Revoke it: `" + grammar.command() + " token revoke " + r.info().id() + "`";
            }
            replies.add(new Reply("Personal token " + r.info().id(), List.of(mrkdwn(msg)), Reply.Visibility.EPHEMERAL, r.token() != null, false));
        } else if (result instanceof CommandResult.TokenList r) {
            replies.add(new Reply(r.tokens().size() + " token(s)", tokenList(r), visibility, false, false));
        } else if (result instanceof CommandResult.CheckResult r) {
            replies.add(new Reply(CheckBlocks.text(r), CheckBlocks.card(r), visibility, false, false));
        } else if (result instanceof CommandResult.Done r) {
            replies.add(new Reply(r.message(), List.of(mrkdwn(outcomeIcon(command) + " " + esc(r.message()))), visibility, false, false));
        } else {
            throw new IllegalArgumentException("no rendering for " + result.getClass().getSimpleName());
        }
        return replies;
    }

    /** A refusal or failure from the control plane: always ephemeral, says what to do. */
    public Reply error(ErrorKind kind, String message) {
        String icon = switch (kind) {
            case FORBIDDEN, UNAUTHORIZED -> ":no_entry:";
            case NOT_FOUND -> ":mag:";
            case QUOTA_EXCEEDED -> ":chart_with_upwards_trend:";
            case UNAVAILABLE -> ":construction:";
            default -> ":warning:";
        };
        String text = esc(message == null || message.isBlank() ? "That did not work." : message);
        return new Reply(message, List.of(mrkdwn(icon + " " + text)), Reply.Visibility.EPHEMERAL, false, true);
    }

    /** An unexpected failure: a generic message and a reference to find the details in the logs. */
    public Reply internalError(String reference) {
        return new Reply("Something went wrong", List.of(mrkdwn(":boom: Something went wrong on Dolly's side. Try again in a minute; "
                + "if it keeps happening, give an admin this reference: `" + reference + "`.")), Reply.Visibility.EPHEMERAL, false, true);
    }

    /** A command line that does not parse: what was wrong, the closest valid usage, and where help is. */
    public Reply invalid(ParseResult.Invalid invalid) {
        StringBuilder b = new StringBuilder(":thinking_face: ").append(esc(invalid.problem()));
        if (invalid.hint() != null) b.append(' ').append(esc(invalid.hint()));
        if (invalid.closest() != null) {
            b.append("\nUsage: `").append(esc(grammar.usage(invalid.closest()))).append('`');
            b.append("\nMore: `").append(grammar.command()).append(" help ").append(invalid.closest().name()).append('`');
        } else {
            b.append("\nSee `").append(grammar.command()).append(" help`.");
        }
        return new Reply(invalid.problem(), List.of(mrkdwn(b.toString())), Reply.Visibility.EPHEMERAL, false, true);
    }

    public Reply help(Verb topic) {
        List<LayoutBlock> blocks = new ArrayList<>();
        if (topic == null) {
            blocks.add(header(h -> h.text(plainText("Dolly: private, masked copies of production databases"))));
            blocks.addAll(sections(esc(grammar.help())));
        } else {
            blocks.addAll(sections(esc(grammar.help(topic))));
        }
        return Reply.ephemeral("Dolly help", blocks);
    }

    /** The immediate answer to a slash command while the work runs. */
    public Reply working(String commandLine) {
        return Reply.ephemeral("Working on it", List.of(context(c -> c.elements(List.of(
                markdownText(":hourglass_flowing_sand: `" + grammar.command() + " " + esc(commandLine.trim()) + "`: working on it…"))))));
    }

    public Reply busy() {
        return new Reply("Dolly is busy", List.of(mrkdwn(":hourglass: Dolly is too busy to take that right now. Try again in a moment.")),
                Reply.Visibility.EPHEMERAL, false, true);
    }

    // ---------------------------------------------------------------- clones

    /**
     * A clone card: name, state, template, snapshot and its age, expiry, owner, the connection string (never with a
     * password), and, when {@code buttons}, Reset / Extend / Destroy.
     */
    public List<LayoutBlock> cloneCard(CloneInfo c, boolean buttons) {
        List<LayoutBlock> blocks = new ArrayList<>();
        String title = "*`" + c.id() + "`*   " + stateLabel(c.state()) + (c.protectedClone() ? "   :lock: protected" : "");
        List<TextObject> fields = new ArrayList<>();
        fields.add(markdownText("*Template*\n" + esc(c.template()) + (c.postgres() == null ? "" : " · PostgreSQL " + c.postgres())));
        fields.add(markdownText("*Snapshot*\n" + (c.snapshot() == null ? "–" : "`" + esc(c.snapshot()) + "`")
                + (c.snapshotCreatedAt() == null ? "" : " (" + age(c.snapshotCreatedAt()) + " old)")));
        fields.add(markdownText("*Expires*\n" + expiry(c)));
        if (c.owner() != null) fields.add(markdownText("*Owner*\n" + owner(c.owner())));
        blocks.add(section(s -> s.text(markdownText(title)).fields(fields)));
        String conn = connectionString(c);
        if (conn != null) blocks.add(mrkdwn("*Connect* (password not shown)\n```" + conn + "```"));
        if (buttons && c.state() != CloneState.GONE && c.state() != CloneState.DESTROYING) blocks.add(cloneButtons(c));
        return blocks;
    }

    public ActionsBlock cloneButtons(CloneInfo c) {
        List<BlockElement> elements = new ArrayList<>();
        elements.add(button(b -> b.actionId(ACTION_RESET).value(c.id()).style("danger").text(plainText("Reset"))
                .confirm(confirm("Reset " + c.id() + "?", "All changes since the clone was created are lost. Same port, same password.", "Reset"))));
        elements.add(button(b -> b.actionId(ACTION_EXTEND).value(c.id()).text(plainText("Extend"))));
        elements.add(button(b -> b.actionId(ACTION_DESTROY).value(c.id()).style("danger").text(plainText("Destroy"))
                .confirm(confirm("Destroy " + c.id() + "?", "The clone and all its data are deleted. This cannot be undone.", "Destroy"))));
        return actions(a -> a.blockId("clone:" + c.id()).elements(elements));
    }

    /** The connection string as fronts may show it: any password that slipped into it is removed. */
    public static String connectionString(CloneInfo c) {
        String s = c.connectionString();
        if (s == null || s.isBlank()) {
            if (c.host() == null || c.port() <= 0) return null;
            s = "postgresql://" + (c.user() == null ? "" : c.user() + "@") + c.host() + ":" + c.port() + "/" + (c.database() == null ? "" : c.database());
        }
        return s.replaceAll("(://[^:/@\\s]+):[^@/\\s]*@", "$1@").replaceAll("(?i)([?&]password=)[^&\\s]*", "$1***");
    }

    private List<LayoutBlock> credentials(CloneInfo c, String password) {
        String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8);
        String uri = "postgresql://" + c.user() + ":" + encoded + "@" + c.host() + ":" + c.port() + "/" + c.database();
        return List.of(
                mrkdwn(":key: *Password for `" + c.id() + "`* (only you can see this; Dolly does not keep it)\n```" + esc(password) + "```"),
                mrkdwn("```psql \"" + esc(uri) + "\"```"),
                context(x -> x.elements(List.of(markdownText("Lost it? `" + grammar.command() + " password " + c.id()
                        + "` makes a new one.")))));
    }

    private List<LayoutBlock> tokenList(CommandResult.TokenList r) {
        if (r.tokens().isEmpty()) {
            return List.of(mrkdwn("No personal tokens. Issue one: `" + grammar.command() + " token`"));
        }
        StringBuilder b = new StringBuilder("*Personal tokens*");
        for (CommandResult.TokenInfo t : r.tokens()) {
            String state = t.revokedAt() != null ? "revoked " + date(t.revokedAt())
                    : t.expiresAt() != null && !clock.instant().isBefore(t.expiresAt()) ? "expired " + date(t.expiresAt())
                    : "expires " + date(t.expiresAt());
            b.append("\n• `").append(t.id()).append("` <@").append(t.owner()).append("> created ").append(date(t.createdAt()))
                    .append(", ").append(state).append(", last used ").append(t.lastUsedAt() == null ? "never" : date(t.lastUsedAt()));
        }
        return List.of(mrkdwn(b.toString()));
    }

    private List<LayoutBlock> cloneList(List<CloneInfo> clones, boolean all) {
        List<LayoutBlock> blocks = new ArrayList<>();
        if (clones.isEmpty()) {
            blocks.add(mrkdwn(all ? "There are no clones." : "You have no clones. Make one: `" + grammar.command() + " create <template>` "
                    + "(`" + grammar.command() + " templates` lists them)."));
            return blocks;
        }
        blocks.add(mrkdwn("*" + (all ? "All clones" : "Your clones") + "* (" + clones.size() + ")"));
        int shown = 0;
        for (CloneInfo c : clones) {
            if (shown == MAX_CLONES_IN_MESSAGE) break;
            blocks.add(divider());
            blocks.addAll(cloneCard(c, true));
            shown++;
        }
        if (clones.size() > shown) {
            int more = clones.size() - shown;
            blocks.add(context(x -> x.elements(List.of(markdownText("…and " + more + " more: `" + grammar.command() + " show <clone>`")))));
        }
        return blocks;
    }

    private static String cloneText(CloneInfo c) {
        return "Clone " + c.id() + ": " + c.state();
    }

    // ---------------------------------------------------------------- templates, snapshots, status, refresh

    private List<LayoutBlock> snapshotList(CommandResult.SnapshotList r) {
        List<LayoutBlock> blocks = new ArrayList<>();
        if (r.snapshots().isEmpty()) {
            blocks.add(mrkdwn("`" + esc(r.template()) + "` has no snapshots yet."));
            return blocks;
        }
        StringBuilder b = new StringBuilder("*Snapshots of `" + esc(r.template()) + "`*\n");
        for (var s : r.snapshots()) {
            b.append(s.current() ? ":star: " : "• ").append('`').append(esc(s.id())).append('`')
                    .append(s.createdAt() == null ? "" : ", " + age(s.createdAt()) + " old")
                    .append(", ").append(bytes(s.sizeBytes()))
                    .append(", ").append(s.clones()).append(s.clones() == 1 ? " clone" : " clones")
                    .append(s.current() ? " (current)" : "").append('\n');
        }
        blocks.addAll(sections(b.toString()));
        blocks.add(context(x -> x.elements(List.of(markdownText("Clone an older one: `" + grammar.command() + " create "
                + esc(r.template()) + " --snapshot <id>`")))));
        return blocks;
    }

    private List<LayoutBlock> templateList(CommandResult.TemplateList r) {
        if (r.templates().isEmpty()) return List.of(mrkdwn("No templates are defined."));
        StringBuilder b = new StringBuilder("*Templates*\n");
        for (var t : r.templates()) {
            b.append("• `").append(esc(t.name())).append('`');
            if (t.description() != null && !t.description().isBlank()) b.append(": ").append(esc(t.description()));
            b.append(t.currentSnapshot() == null ? " (no snapshot yet)"
                    : " (snapshot `" + esc(t.currentSnapshot()) + "`" + (t.currentSnapshotAt() == null ? "" : ", " + age(t.currentSnapshotAt()) + " old") + ")");
            if (t.postgres() != null) b.append(" · PostgreSQL ").append(t.postgres());
            if (t.lastRefreshAt() != null) {
                b.append("; last refresh ").append(age(t.lastRefreshAt())).append(" ago")
                        .append(t.lastRefreshState() == null ? "" : " (" + esc(t.lastRefreshState().toLowerCase(java.util.Locale.ROOT)) + ")");
            }
            if (t.schedule() != null) {
                b.append("; schedule `").append(esc(t.schedule())).append('`');
                if (t.nextRunAt() != null) b.append(", next run ").append(untilText(t.nextRunAt()));
            }
            if (t.upgrade() != null) b.append("\n    upgrade rehearsal ").append(esc(t.upgrade()));
            b.append('\n');
        }
        List<LayoutBlock> blocks = new ArrayList<>(sections(b.toString()));
        blocks.add(context(x -> x.elements(List.of(markdownText("Make a clone: `" + grammar.command() + " create <template>`")))));
        return blocks;
    }

    private List<LayoutBlock> status(CommandResult.StatusInfo r) {
        StringBuilder b = new StringBuilder("*Dolly status*: " + r.clones() + (r.clones() == 1 ? " clone" : " clones") + "\n");
        if (r.hosts().isEmpty()) b.append("No hosts registered.\n");
        for (var h : r.hosts()) {
            b.append(h.healthy() ? ":large_green_circle: " : ":red_circle: ").append('`').append(esc(h.name())).append("` ")
                    .append(bytes(h.freeBytes())).append(" free, ").append(h.clones()).append(h.clones() == 1 ? " clone" : " clones")
                    .append(h.lastHeartbeat() == null ? "" : ", heartbeat " + age(h.lastHeartbeat()) + " ago").append('\n');
        }
        List<LayoutBlock> blocks = new ArrayList<>(sections(b.toString()));
        for (var refresh : r.refreshes()) blocks.addAll(refreshBlocks(refresh));
        return blocks;
    }

    /** One line for a refresh, for notifications' fallback text. */
    public String refreshText(CommandResult.RefreshInfo r) {
        if (failed(r)) return "Refresh of " + r.template() + " failed: " + r.error();
        if (r.snapshot() != null && !running(r)) return "Refresh of " + r.template() + " finished: snapshot " + r.snapshot();
        if (!running(r) && r.state() != null) return "Refresh of " + r.template() + " ended: " + r.state().toLowerCase(Locale.ROOT);
        return "Refresh of " + r.template() + ": " + (r.phase() == null ? r.state() : r.phase());
    }

    /** A refresh's progress or outcome; the message notifications keep updating in place. */
    public List<LayoutBlock> refreshBlocks(CommandResult.RefreshInfo r) {
        List<LayoutBlock> blocks = new ArrayList<>();
        String t = "`" + esc(r.template()) + "`";
        if (failed(r)) {
            blocks.add(mrkdwn(":x: *Refresh of " + t + " failed*: " + esc(r.error() == null ? r.state() : r.error())
                    + "\nThe previous snapshot keeps serving."));
        } else if (r.snapshot() != null && !running(r)) {
            blocks.add(mrkdwn(":white_check_mark: *Refresh of " + t + " finished*: new snapshot `" + esc(r.snapshot())
                    + "`. New clones use it; `" + grammar.command() + " reset` keeps a clone on its snapshot."
                    + (r.upgrade() == null ? "" : "\n:arrow_up: Upgrade rehearsal " + esc(r.upgrade()))));
        } else if (!running(r) && r.state() != null) {
            blocks.add(mrkdwn(":heavy_minus_sign: *Refresh of " + t + " ended*: " + esc(r.state().toLowerCase(Locale.ROOT))
                    + ". The previous snapshot keeps serving."));
        } else {
            StringBuilder b = new StringBuilder(":arrows_counterclockwise: *Refresh of " + t + "*: ");
            b.append(esc(r.phase() == null ? String.valueOf(r.state()).toLowerCase(Locale.ROOT) : r.phase()));
            if (r.tablesTotal() > 0) {
                b.append("\n").append(bar(r.tablesDone(), r.tablesTotal())).append(' ')
                        .append(r.tablesDone()).append('/').append(r.tablesTotal()).append(" tables");
            }
            if (r.rowsCopied() > 0) b.append(", ").append(String.format(Locale.ROOT, "%,d", r.rowsCopied())).append(" rows");
            if (r.etaSeconds() != null && r.etaSeconds() > 0) b.append(", about ").append(Durations.human(Duration.ofSeconds(r.etaSeconds()))).append(" left");
            blocks.add(mrkdwn(b.toString()));
        }
        if (r.job() != null) blocks.add(context(x -> x.elements(List.of(markdownText("job `" + esc(r.job()) + "`")))));
        return blocks;
    }

    public static boolean failed(CommandResult.RefreshInfo r) {
        return r.error() != null || "failed".equalsIgnoreCase(r.state());
    }

    static boolean running(CommandResult.RefreshInfo r) {
        String s = r.state() == null ? "" : r.state().toLowerCase(Locale.ROOT);
        return s.equals("running") || s.equals("queued") || s.equals("pending") || s.equals("started");
    }

    // ---------------------------------------------------------------- notifications

    public List<LayoutBlock> expiryWarning(CloneInfo c, Instant expiresAt) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(mrkdwn(":alarm_clock: Your clone `" + c.id() + "` expires " + date(expiresAt) + " (in "
                + Durations.human(Duration.between(clock.instant(), expiresAt).isNegative() ? Duration.ZERO : Duration.between(clock.instant(), expiresAt))
                + "). Extend it to keep it; otherwise it and its data are deleted."));
        blocks.addAll(cloneCard(c, true));
        return blocks;
    }

    // ---------------------------------------------------------------- App Home and the Extend dialog

    /**
     * The App Home tab: the user's clones with the same buttons as in messages, and an optional notice (the outcome
     * of the last action taken from the tab).
     */
    public View home(List<CloneInfo> clones, Reply notice, String listError) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText("Your Dolly clones"))));
        if (notice != null) {
            blocks.addAll(notice.blocks().stream().filter(b -> !(b instanceof ActionsBlock)).limit(6).toList());
            blocks.add(divider());
        }
        if (listError != null) {
            blocks.add(mrkdwn(":warning: " + esc(listError)));
        } else if (clones.isEmpty()) {
            blocks.add(mrkdwn("You have no clones. Make one with `" + grammar.command() + " create <template>`; `"
                    + grammar.command() + " templates` lists what you can clone."));
        } else {
            int shown = 0;
            for (CloneInfo c : clones) {
                if (shown == MAX_CLONES_IN_HOME) break;
                blocks.addAll(cloneCard(c, true));
                blocks.add(divider());
                shown++;
            }
            if (clones.size() > shown) {
                int more = clones.size() - shown;
                blocks.add(context(x -> x.elements(List.of(markdownText("…and " + more + " more: `" + grammar.command() + " list`")))));
            }
        }
        blocks.add(context(x -> x.elements(List.of(markdownText("Updated " + date(clock.instant()) + " · `" + grammar.command()
                + " help` for everything Dolly can do")))));
        return view(v -> v.type("home").blocks(blocks));
    }

    /** The dialog the Extend button opens; {@code privateMetadata} carries where to answer. */
    public View extendModal(String cloneId, String privateMetadata) {
        List<OptionObject> options = EXTEND_CHOICES.stream()
                .map(d -> OptionObject.builder().text(plainText(Durations.human(Durations.parse(d)))).value(d).build()).toList();
        OptionObject initial = options.get(1);
        return view(v -> v.type("modal").callbackId(EXTEND_MODAL).privateMetadata(privateMetadata)
                .title(viewTitle(t -> t.type("plain_text").text("Extend clone")))
                .submit(viewSubmit(s -> s.type("plain_text").text("Extend")))
                .close(viewClose(c -> c.type("plain_text").text("Cancel")))
                .blocks(List.of(
                        mrkdwn("Give `" + cloneId + "` more time before it expires."),
                        input(i -> i.blockId(EXTEND_BLOCK).label(plainText("Extend by"))
                                .element(staticSelect(s -> s.actionId(EXTEND_SELECT).options(options).initialOption(initial)))))));
    }

    // ---------------------------------------------------------------- helpers

    private static ConfirmationDialogObject confirm(String title, String text, String yes) {
        return ConfirmationDialogObject.builder().title(plainText(title.length() > 100 ? title.substring(0, 100) : title))
                .text(plainText(text)).confirm(plainText(yes)).deny(plainText("Cancel")).style("danger").build();
    }

    private String outcomeIcon(Command c) {
        if (c instanceof Command.Destroy) return ":wastebasket:";
        if (c instanceof Command.Reset || c instanceof Command.Rollback) return ":rewind:";
        if (c instanceof Command.Extend) return ":hourglass:";
        if (c instanceof Command.Protect) return ":lock:";
        if (c instanceof Command.Password) return ":key:";
        if (c instanceof Command.Create) return ":sparkles:";
        return ":white_check_mark:";
    }

    private static String stateLabel(CloneState s) {
        if (s == null) return "";
        return switch (s) {
            case READY -> ":large_green_circle: ready";
            case CREATING -> ":hourglass_flowing_sand: creating";
            case RESETTING -> ":rewind: resetting";
            case DESTROYING -> ":wastebasket: destroying";
            case FAILED -> ":red_circle: failed";
            case GONE -> ":ghost: gone";
        };
    }

    private String expiry(CloneInfo c) {
        if (c.protectedClone()) return "never (protected)";
        if (c.expiresAt() == null) return "never";
        Duration left = Duration.between(clock.instant(), c.expiresAt());
        return date(c.expiresAt()) + (left.isNegative() ? " (overdue)" : " (in " + Durations.human(left) + ")");
    }

    private static String owner(String owner) {
        return owner.matches("[UW][A-Z0-9]{2,}") ? "<@" + owner + ">" : "`" + esc(owner) + "`";
    }

    /** Slack shows the date in each reader's own time zone; the fallback is UTC. */
    static String date(Instant t) {
        return "<!date^" + t.getEpochSecond() + "^{date_short_pretty} {time}|" + UTC.format(t) + ">";
    }

    private String age(Instant t) {
        Duration d = Duration.between(t, clock.instant());
        if (d.isNegative()) d = Duration.ZERO;
        if (d.toMinutes() < 1) return "<1 m";
        return Durations.human(Duration.ofMinutes(d.toMinutes()));
    }

    /** "in 5 h" (or "due now") and the time in UTC, e.g. "in 5 h (03:00 UTC)". */
    private String untilText(Instant t) {
        Duration d = Duration.between(clock.instant(), t);
        String when = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(java.time.ZoneOffset.UTC).format(t);
        if (d.toMinutes() < 1) return "due now (" + when + ")";
        return "in " + Durations.human(Duration.ofMinutes(d.toMinutes())) + " (" + when + ")";
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KB", "MB", "GB", "TB", "PB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }

    private static String bar(int done, int total) {
        int filled = total == 0 ? 0 : Math.min(10, Math.round(10f * done / total));
        return "▰".repeat(filled) + "▱".repeat(10 - filled);
    }

    /** Escapes the three characters Slack mrkdwn reserves. */
    public static String esc(String s) {
        if (s == null) return "";
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static LayoutBlock mrkdwn(String text) {
        String t = text.length() > MAX_SECTION ? text.substring(0, MAX_SECTION) + "…" : text;
        return section(s -> s.text(markdownText(t)));
    }

    /** Long mrkdwn split at line ends into sections under Slack's 3000-character limit. */
    static List<LayoutBlock> sections(String text) {
        List<LayoutBlock> blocks = new ArrayList<>();
        StringBuilder chunk = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (chunk.length() + line.length() + 1 > MAX_SECTION && chunk.length() > 0) {
                blocks.add(mrkdwn(chunk.toString()));
                chunk.setLength(0);
            }
            if (chunk.length() > 0) chunk.append('\n');
            chunk.append(line);
        }
        if (!chunk.toString().isBlank()) blocks.add(mrkdwn(chunk.toString()));
        return blocks;
    }
}
