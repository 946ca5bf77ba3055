package dev.dolly.slack;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.app_backend.interactive_components.ActionResponseSender;
import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.app_backend.interactive_components.response.ActionResponse;
import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import com.slack.api.app_backend.slash_commands.response.SlashCommandResponse;
import com.slack.api.app_backend.views.payload.ViewSubmissionPayload;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.context.builtin.ViewSubmissionContext;
import com.slack.api.bolt.middleware.Middleware;
import com.slack.api.bolt.middleware.builtin.RequestVerification;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.request.builtin.ViewSubmissionRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.QueryStringParser;
import com.slack.api.bolt.util.SlackRequestParser;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.response.views.ViewsOpenResponse;
import com.slack.api.model.event.AppHomeOpenedEvent;
import com.slack.api.model.view.ViewState;
import com.slack.api.webhook.WebhookResponse;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandPort;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Notifier;
import dev.dolly.control.api.Principal;
import dev.dolly.slack.blocks.BlockKit;
import dev.dolly.slack.blocks.CheckBlocks;
import dev.dolly.slack.blocks.Reply;
import dev.dolly.slack.grammar.DollyGrammar;
import dev.dolly.slack.grammar.Grammar;
import dev.dolly.slack.grammar.ParseResult;
import dev.dolly.slack.identity.SlackGroupDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Dolly's Slack front: one Bolt {@link App} behind the one request URL {@value #EVENTS_PATH}.
 *
 * <p>{@link #handle} verifies the request (signature and timestamp, by the injected clock), parses it and acks
 * within Slack's 3 seconds: help and malformed commands are answered in the ack itself; everything that needs the
 * control plane becomes a {@link SlackWork} handed to the {@link SlackWorkDispatcher}. {@link #runWork} later
 * resolves the principal (user id plus Slack user groups), executes the command through the {@link CommandPort},
 * and answers through {@code response_url} (or republishes the App Home tab when the action came from there).
 * {@link #notifier()} is the control plane's {@link Notifier} in Slack.
 */
public final class SlackFront {
    public static final String EVENTS_PATH = "/slack/events";

    private static final Logger log = LoggerFactory.getLogger(SlackFront.class);
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Where the Extend dialog's answer goes; travels in the modal's private_metadata. */
    record ExtendTarget(String cloneId, String responseUrl, boolean fromHome, String channelId, String viewHash) {}

    private final SlackSettings settings;
    private final CommandPort commands;
    private final SlackWorkDispatcher dispatcher;
    private final Clock clock;
    private final Slack slack;
    private final MethodsClient methods;
    private final MethodsClient ackPathMethods;
    private final ActionResponseSender responder;
    private final Grammar grammar;
    private final BlockKit kit;
    private final SlackGroupDirectory groups;
    private final HomeTab home;
    private final SlackNotifier notifier;
    private final App app;
    private final SlackRequestParser parser;

    public SlackFront(SlackSettings settings, CommandPort commands, SlackWorkDispatcher dispatcher, Clock clock) {
        this(settings, commands, dispatcher, clock, ProgressMessageStore.inMemory());
    }

    /**
     * @param progress where to remember refresh progress messages (in memory unless the control plane keeps them
     *                 durable); an unbound {@link ExecutorSlackWorkDispatcher} is bound to {@link #runWork}
     */
    public SlackFront(SlackSettings settings, CommandPort commands, SlackWorkDispatcher dispatcher, Clock clock,
                      ProgressMessageStore progress) {
        this.settings = settings;
        this.commands = commands;
        this.dispatcher = dispatcher;
        this.clock = clock;
        if (!StandardCharsets.UTF_8.equals(Charset.defaultCharset())) {
            log.warn("The default charset is {}, not UTF-8: Slack signatures over non-ASCII bodies will not verify "
                    + "(run with -Dfile.encoding=UTF-8)", Charset.defaultCharset());
        }

        SlackConfig slackConfig = new SlackConfig();
        slackConfig.setMethodsEndpointUrlPrefix(settings.apiUrl());
        slackConfig.setStatsEnabled(false);
        slackConfig.setHttpClientCallTimeoutMillis(10_000);
        this.slack = Slack.getInstance(slackConfig);
        this.methods = slack.methods(settings.botToken());
        this.responder = new ActionResponseSender(slack);
        // Web API calls made inside the 3-second ack (views.open for the Extend dialog) get a short timeout of their own
        SlackConfig ackPathConfig = new SlackConfig();
        ackPathConfig.setMethodsEndpointUrlPrefix(settings.apiUrl());
        ackPathConfig.setStatsEnabled(false);
        ackPathConfig.setHttpClientCallTimeoutMillis(2_000);
        this.ackPathMethods = Slack.getInstance(ackPathConfig).methods(settings.botToken());

        this.grammar = DollyGrammar.create(settings.command());
        this.kit = new BlockKit(clock, grammar);
        this.groups = new SlackGroupDirectory(methods, clock, settings.groupCacheTtl());
        this.home = new HomeTab(methods, commands, kit);
        this.notifier = new SlackNotifier(methods, settings, kit, progress);

        AppConfig config = AppConfig.builder()
                .slack(slack)
                .signingSecret(settings.signingSecret())
                .singleTeamBotToken(settings.botToken())
                .authTestCacheExpirationMillis(-1) // auth.test once at start, not per request
                .build();
        this.app = new DollyApp(config, new ClockedRequestVerification(settings.signingSecret(), clock));
        app.command(settings.command(), (req, ctx) -> onCommand(req, ctx));
        app.blockAction(BlockKit.ACTION_RESET, (req, ctx) -> onCloneButton("reset", req, ctx));
        app.blockAction(BlockKit.ACTION_DESTROY, (req, ctx) -> onCloneButton("destroy", req, ctx));
        app.blockAction(BlockKit.ACTION_EXTEND, (req, ctx) -> onExtendButton(req, ctx));
        app.viewSubmission(BlockKit.EXTEND_MODAL, (req, ctx) -> onExtendSubmitted(req, ctx));
        app.viewSubmission(CheckBlocks.CHECK_MODAL, (req, ctx) -> onCheckSubmitted(req, ctx));
        app.event(AppHomeOpenedEvent.class, (payload, ctx) -> {
            AppHomeOpenedEvent e = payload.getEvent();
            if ("home".equals(e.getTab())) {
                dispatch(new SlackWork(SlackWork.HOME, payload.getTeamId(), e.getUser(), null, e.getChannel(), null, null,
                        true, false, e.getView() == null ? null : e.getView().getHash(), null, clock.millis()));
            }
            return ctx.ack();
        });
        this.parser = new SlackRequestParser(config);
        try {
            app.start(); // calls auth.test
        } catch (RuntimeException e) {
            log.warn("Slack auth.test failed at start ({}); will try again on the first request", e.getMessage());
        }
        if (dispatcher instanceof ExecutorSlackWorkDispatcher local && !local.isBound()) local.bind(this::runWork);
    }

    /** A front with its own local executor of {@code threads} work threads (local runs, tests, the bench). */
    public static SlackFront local(SlackSettings settings, CommandPort commands, Clock clock, int threads) {
        return new SlackFront(settings, commands, ExecutorSlackWorkDispatcher.withThreads(threads), clock);
    }

    // ------------------------------------------------------------------ the request path (ack within 3 s)

    /** Answers one HTTP request to Slack's request URL. Never throws; errors become generic 4xx/5xx bodies. */
    public SlackHttpResponse handle(SlackHttpRequest request) {
        String path = request.path() == null ? "" : request.path();
        String query = null;
        int q = path.indexOf('?');
        if (q >= 0) {
            query = path.substring(q + 1);
            path = path.substring(0, q);
        }
        if (!EVENTS_PATH.equals(path)) {
            return new SlackHttpResponse(404, Map.of("Content-Type", "application/json"), "{\"error\":\"not found\"}");
        }
        try {
            Request<?> slackRequest = parser.parse(SlackRequestParser.HttpRequest.builder()
                    .requestUri(path)
                    .queryString(query == null ? Map.of() : QueryStringParser.toMap(query))
                    .headers(new RequestHeaders(request.headers()))
                    .requestBody(request.body())
                    .build());
            if (slackRequest == null) {
                return new SlackHttpResponse(400, Map.of("Content-Type", "application/json"), "{\"error\":\"invalid request\"}");
            }
            return toHttp(app.run(slackRequest));
        } catch (Exception e) {
            log.error("Failed to answer a Slack request", e);
            return new SlackHttpResponse(500, Map.of("Content-Type", "application/json"), "{\"error\":\"internal error\"}");
        }
    }

    private static SlackHttpResponse toHttp(Response r) {
        Map<String, String> headers = new HashMap<>();
        if (r.getHeaders() != null) {
            r.getHeaders().forEach((k, v) -> {
                if (v != null && !v.isEmpty()) headers.put(k, v.get(0));
            });
        }
        if (r.getContentType() != null) headers.put("Content-Type", r.getContentType());
        return new SlackHttpResponse(r.getStatusCode() == null ? 200 : r.getStatusCode(), headers, r.getBody());
    }

    private Response onCommand(SlashCommandRequest req, SlashCommandContext ctx) {
        SlashCommandPayload p = req.getPayload();
        String text = p.getText() == null ? "" : p.getText();
        ParseResult parsed = grammar.parse(text, p.getUserName(), p.getUserId());
        Reply reply;
        if (parsed instanceof ParseResult.Help h) {
            reply = kit.help(h.topic());
        } else if (parsed instanceof ParseResult.Invalid invalid) {
            reply = kit.invalid(invalid);
        } else if (parsed instanceof ParseResult.Parsed pc && pc.command() instanceof Command.Check check && check.migrations().isEmpty()) {
            reply = openCheckDialog(p, check);
        } else {
            SlackWork work = new SlackWork(SlackWork.COMMAND, p.getTeamId(), p.getUserId(), p.getUserName(), p.getChannelId(),
                    text, p.getResponseUrl(), false, false, null, key(p.getTriggerId()), clock.millis());
            reply = dispatch(work) ? kit.working(text) : kit.busy();
        }
        return ctx.ack(SlashCommandResponse.builder().responseType(reply.responseType()).text(reply.text()).blocks(reply.blocks()).build());
    }

    private Response onCloneButton(String verb, BlockActionRequest req, ActionContext ctx) {
        BlockActionPayload p = req.getPayload();
        if (p.getActions() == null || p.getActions().isEmpty()) return ctx.ack();
        String clone = p.getActions().get(0).getValue();
        boolean fromHome = isHome(p);
        SlackWork work = new SlackWork(SlackWork.BUTTON, p.getTeam() == null ? null : p.getTeam().getId(), p.getUser().getId(),
                p.getUser().getUsername(), p.getChannel() == null ? null : p.getChannel().getId(), verb + " " + clone,
                fromHome ? null : p.getResponseUrl(), fromHome, !fromHome, fromHome && p.getView() != null ? p.getView().getHash() : null,
                key(p.getTriggerId()), clock.millis());
        if (!dispatch(work) && !fromHome && p.getResponseUrl() != null) send(p.getResponseUrl(), kit.busy(), false);
        return ctx.ack();
    }

    private Response onExtendButton(BlockActionRequest req, ActionContext ctx) {
        BlockActionPayload p = req.getPayload();
        if (p.getActions() == null || p.getActions().isEmpty()) return ctx.ack();
        String clone = p.getActions().get(0).getValue();
        boolean fromHome = isHome(p);
        ExtendTarget target = new ExtendTarget(clone, fromHome ? null : p.getResponseUrl(), fromHome,
                p.getChannel() == null ? null : p.getChannel().getId(), fromHome && p.getView() != null ? p.getView().getHash() : null);
        try {
            // trigger_id is only valid for 3 s, so the dialog opens here rather than in the deferred work
            ViewsOpenResponse r = ackPathMethods.viewsOpen(v -> v.triggerId(p.getTriggerId()).view(kit.extendModal(clone, json(target))));
            if (!r.isOk()) log.warn("views.open for extending {} failed: {}", clone, r.getError());
        } catch (Exception e) {
            log.warn("views.open for extending {} failed: {}", clone, e.getMessage());
        }
        return ctx.ack();
    }

    private Response onExtendSubmitted(ViewSubmissionRequest req, ViewSubmissionContext ctx) throws java.io.IOException {
        ViewSubmissionPayload p = req.getPayload();
        ExtendTarget target = JSON.readValue(p.getView().getPrivateMetadata(), ExtendTarget.class);
        String by = null;
        Map<String, Map<String, ViewState.Value>> values = p.getView().getState() == null ? null : p.getView().getState().getValues();
        if (values != null && values.get(BlockKit.EXTEND_BLOCK) != null) {
            ViewState.Value v = values.get(BlockKit.EXTEND_BLOCK).get(BlockKit.EXTEND_SELECT);
            if (v != null && v.getSelectedOption() != null) by = v.getSelectedOption().getValue();
        }
        if (by == null || !BlockKit.EXTEND_CHOICES.contains(by)) {
            return ctx.ackWithErrors(Map.of(BlockKit.EXTEND_BLOCK, "Pick how much longer the clone should live."));
        }
        SlackWork work = new SlackWork(SlackWork.MODAL, p.getTeam() == null ? null : p.getTeam().getId(), p.getUser().getId(),
                p.getUser().getUsername(), target.channelId(), "extend " + target.cloneId() + " --by " + by, target.responseUrl(),
                target.fromHome(), target.responseUrl() != null && !target.fromHome(), target.viewHash(), key(p.getTriggerId()), clock.millis());
        if (!dispatch(work)) return ctx.ackWithErrors(Map.of(BlockKit.EXTEND_BLOCK, "Dolly is busy; try again in a moment."));
        return ctx.ack();
    }

    /** Where the check dialog's answer goes, and what it checks; travels in the modal's private_metadata. */
    record CheckTarget(String template, boolean keep, String channelId, String responseUrl) {}

    private Reply openCheckDialog(SlashCommandPayload p, Command.Check check) {
        CheckTarget target = new CheckTarget(check.template(), check.keep(), p.getChannelId(), p.getResponseUrl());
        try {
            // trigger_id is only valid for 3 s: the dialog opens in the ack path
            ViewsOpenResponse r = ackPathMethods.viewsOpen(v -> v.triggerId(p.getTriggerId()).view(CheckBlocks.modal(check.template(), json(target))));
            if (r.isOk()) return CheckBlocks.dialogOpened(check.template());
            log.warn("views.open for a check of {} failed: {}", check.template(), r.getError());
        } catch (Exception e) {
            log.warn("views.open for a check of {} failed: {}", check.template(), e.getMessage());
        }
        return kit.error(dev.dolly.control.api.ErrorKind.UNAVAILABLE, "Could not open the check dialog; try again, or run the check "
                + "from CI (`dolly-ci check --template " + check.template() + " --file …`).");
    }

    private Response onCheckSubmitted(ViewSubmissionRequest req, ViewSubmissionContext ctx) throws java.io.IOException {
        ViewSubmissionPayload p = req.getPayload();
        CheckTarget target = JSON.readValue(p.getView().getPrivateMetadata(), CheckTarget.class);
        Map<String, Map<String, ViewState.Value>> values = p.getView().getState() == null ? null : p.getView().getState().getValues();
        String sql = inputValue(values, CheckBlocks.SQL_BLOCK, CheckBlocks.SQL_INPUT);
        String name = inputValue(values, CheckBlocks.NAME_BLOCK, CheckBlocks.NAME_INPUT);
        if (sql == null || sql.isBlank()) return ctx.ackWithErrors(Map.of(CheckBlocks.SQL_BLOCK, "Paste the SQL to check."));
        name = name == null || name.isBlank() ? "migration.sql" : name.strip().replaceAll("[\\r\\n]+", " ");
        String line = "check " + target.template() + (target.keep() ? " --keep" : "");
        SlackWork work = new SlackWork(SlackWork.CHECK, p.getTeam() == null ? null : p.getTeam().getId(), p.getUser().getId(),
                p.getUser().getUsername(), target.channelId(), line + "\n" + name + "\n" + sql, target.responseUrl(), false, false, null,
                key(p.getTriggerId()), clock.millis());
        if (!dispatch(work)) return ctx.ackWithErrors(Map.of(CheckBlocks.SQL_BLOCK, "Dolly is busy; try again in a moment."));
        return ctx.ack();
    }

    private static String inputValue(Map<String, Map<String, ViewState.Value>> values, String block, String action) {
        if (values == null || values.get(block) == null) return null;
        ViewState.Value v = values.get(block).get(action);
        return v == null ? null : v.getValue();
    }

    /** The check dialog's work: its first line is the command line, then the file name and the pasted SQL. */
    private ParseResult parseWork(SlackWork work) {
        if (!SlackWork.CHECK.equals(work.source()) || work.text() == null) {
            return grammar.parse(work.text(), work.userName(), work.userId());
        }
        String[] parts = work.text().split("\n", 3);
        ParseResult parsed = grammar.parse(parts[0], work.userName(), work.userId());
        if (parsed instanceof ParseResult.Parsed p && p.command() instanceof Command.Check c && parts.length == 3) {
            Command.MigrationFile pasted = new Command.MigrationFile(parts[1], parts[2]);
            return new ParseResult.Parsed(p.verb(), new Command.Check(c.template(), List.of(pasted), c.snapshot(), c.keep(), true), p.share());
        }
        return parsed;
    }

    private static boolean isHome(BlockActionPayload p) {
        return p.getContainer() != null && "view".equals(p.getContainer().getType())
                && p.getView() != null && "home".equals(p.getView().getType());
    }

    private boolean dispatch(SlackWork work) {
        try {
            dispatcher.dispatch(work);
            return true;
        } catch (RuntimeException e) {
            log.error("Could not hand off Slack work {}", work.describe(), e);
            return false;
        }
    }

    private static String key(String triggerId) {
        return triggerId == null || triggerId.isBlank() ? null : "slack:" + triggerId;
    }

    // ------------------------------------------------------------------ the deferred work

    /**
     * Executes the deferred part of a request: resolves the principal, runs the command through the command port,
     * and answers through {@code response_url} or the App Home tab. Never throws.
     */
    public void runWork(SlackWork work) {
        try {
            Principal principal = principal(work.userId());
            if (SlackWork.HOME.equals(work.source())) {
                home.publish(principal, work.viewHash(), null);
                return;
            }
            ParseResult parsed = parseWork(work);
            List<Reply> replies = new ArrayList<>();
            Set<String> changedOwners = new LinkedHashSet<>();
            if (parsed instanceof ParseResult.Parsed p) {
                try {
                    CommandResult result = commands.execute(principal, Front.SLACK, p.command(),
                            mutates(p.command()) ? work.idempotencyKey() : null);
                    replies.addAll(kit.result(p, result));
                    if (changesClones(p.command())) {
                        changedOwners.add(principal.id());
                        if (result instanceof CommandResult.CloneResult r && r.info().owner() != null) changedOwners.add(r.info().owner());
                    }
                } catch (DollyException e) {
                    log.info("{} refused: {} {}", work.describe(), e.kind(), e.getMessage());
                    replies.add(kit.error(e.kind(), e.getMessage()));
                } catch (RuntimeException e) {
                    String reference = UUID.randomUUID().toString().substring(0, 8);
                    log.error("{} failed (reference {})", work.describe(), reference, e);
                    replies.add(kit.internalError(reference));
                }
            } else if (parsed instanceof ParseResult.Invalid invalid) {
                replies.add(kit.invalid(invalid));
            } else {
                replies.add(kit.help(((ParseResult.Help) parsed).topic()));
            }
            deliver(work, principal, replies);
            for (String owner : changedOwners) {
                if (work.fromHome() && owner.equals(principal.id())) continue; // just republished with the notice
                if (owner.matches("[UW][A-Z0-9]{2,}")) home.publish(owner.equals(principal.id()) ? principal : principal(owner), null, null);
            }
        } catch (RuntimeException e) {
            log.error("Slack work {} failed", work.describe(), e);
        }
    }

    /** The Slack user groups {@code userId} belongs to (cached), as grants see them: for principals of other fronts acting as a user. */
    public Set<String> groupsOf(String userId) {
        return groups.groupsOf(userId);
    }

    private Principal principal(String userId) {
        return Principal.slackUser(userId, groups.groupsOf(userId));
    }

    private void deliver(SlackWork work, Principal principal, List<Reply> replies) {
        if (work.fromHome()) {
            home.publish(principal, work.viewHash(), replies.isEmpty() ? null : replies.get(0));
            return;
        }
        if (work.responseUrl() == null) {
            log.warn("Slack work {} has nowhere to answer", work.describe());
            return;
        }
        boolean first = true;
        for (Reply r : replies) {
            send(work.responseUrl(), r, first && work.replaceOriginal() && !r.error() && !r.secret());
            first = false;
        }
    }

    private void send(String responseUrl, Reply reply, boolean replaceOriginal) {
        ActionResponse body = ActionResponse.builder()
                .responseType(reply.responseType())
                .text(reply.text())
                .blocks(reply.blocks())
                .replaceOriginal(replaceOriginal)
                .build();
        try {
            WebhookResponse r = responder.send(responseUrl, body);
            if (r.getCode() == null || r.getCode() / 100 != 2) log.warn("response_url answered {}: {}", r.getCode(), r.getBody());
        } catch (Exception e) {
            log.warn("Could not answer through response_url: {}", e.getMessage());
        }
    }

    private static boolean mutates(Command c) {
        return !(c instanceof Command.ListClones || c instanceof Command.Show || c instanceof Command.Snapshots
                || c instanceof Command.Templates || c instanceof Command.Status || c instanceof Command.TokenList);
    }

    private static boolean changesClones(Command c) {
        return c instanceof Command.Create || c instanceof Command.Reset || c instanceof Command.Rollback
                || c instanceof Command.Destroy || c instanceof Command.Protect || c instanceof Command.Extend;
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ ports

    /** The control plane's notifier, in Slack. */
    public Notifier notifier() {
        return notifier;
    }

    public SlackSettings settings() {
        return settings;
    }

    /** The grammar of the slash command (help text, usage lines). */
    public Grammar grammar() {
        return grammar;
    }

    /** Republishes {@code userId}'s App Home tab (e.g. after a change made outside Slack). */
    public void republishHome(String userId) {
        home.publish(principal(userId), null, null);
    }

    /** A Bolt app whose signature check uses the injected clock and also rejects future-dated requests. */
    private static final class DollyApp extends App {
        private final Middleware verification;

        DollyApp(AppConfig config, Middleware verification) {
            super(config);
            this.verification = verification;
        }

        @Override
        protected List<Middleware> buildDefaultMiddlewareList(AppConfig config) {
            List<Middleware> list = new ArrayList<>(super.buildDefaultMiddlewareList(config));
            list.replaceAll(m -> m instanceof RequestVerification ? verification : m);
            if (!list.contains(verification)) list.add(0, verification);
            return list;
        }
    }

}
