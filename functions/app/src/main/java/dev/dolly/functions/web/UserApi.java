package dev.dolly.functions.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandPort;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.functions.auth.PersonalTokens;
import dev.dolly.slack.grammar.DollyGrammar;
import dev.dolly.slack.grammar.Durations;
import dev.dolly.slack.grammar.Grammar;
import dev.dolly.slack.grammar.ParseResult;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user API, {@code /api/v1/…}: every verb of the command model for a Slack user holding a personal token
 * ({@code Authorization: Bearer dolly_pat_…}, see {@link PersonalTokens}), answered as JSON, or as the table the
 * {@code dolly} CLI prints with {@code Accept: text/plain}. {@code POST /api/v1/commands} takes a command line of
 * the {@code /dolly} grammar ({@code {"args":["create","shop","--ttl","2h"]}}), parsed by the same parser as Slack.
 * Refusals are {@code {"error":…,"message":…}} with the status the CI webhook uses for the same {@link ErrorKind};
 * the messages are the ones Slack shows. {@link #ROUTES} is the route table (the local server maps exactly these,
 * infra routes {@code /api/v1/{proxy+}} here, and the OpenAPI document describes them).
 */
public final class UserApi {
    private static final Logger log = LoggerFactory.getLogger(UserApi.class);
    public static final String PREFIX = "/api/v1";
    static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    private static final String SEGMENT = "([A-Za-z0-9][A-Za-z0-9_.:-]{0,127})";
    private static final Pattern FIELD = Pattern.compile("^(template|clone|ttl|snapshot|savepoint|name|by|token|args): ");

    /** One route: method, path as documented ({@code {clone}}), and how a request becomes a command. */
    public record Route(String method, String path, Builder builder) {
        Pattern pattern() {
            StringBuilder b = new StringBuilder(Pattern.quote(PREFIX));
            for (String seg : path.substring(1).split("/")) b.append('/').append(seg.startsWith("{") ? SEGMENT : Pattern.quote(seg));
            return Pattern.compile(b.toString());
        }
    }

    /** Builds the command of one request; {@code path} holds the path's variables in order. */
    @FunctionalInterface
    interface Builder {
        Command build(Request r);
    }

    /** What a route's builder reads: path variables, the JSON body, the query, the caller's Slack user name. */
    record Request(List<String> path, JsonNode body, String query, String userName, String userId) {
        String var(int i) { return path.get(i); }

        String text(String field) {
            JsonNode n = body.get(field);
            if (n == null || n.isNull()) return null;
            if (!n.isTextual()) throw new DollyException(ErrorKind.BAD_REQUEST, field + ": must be a string.");
            return n.asText();
        }

        Duration duration(String field) {
            String t = text(field);
            if (t == null) return null;
            try {
                return Durations.parse(t);
            } catch (IllegalArgumentException e) {
                throw new DollyException(ErrorKind.BAD_REQUEST, field + ": " + e.getMessage() + ".");
            }
        }

        boolean bool(String field, boolean otherwise) {
            JsonNode n = body.get(field);
            if (n == null || n.isNull()) return otherwise;
            if (!n.isBoolean()) throw new DollyException(ErrorKind.BAD_REQUEST, field + ": must be true or false.");
            return n.asBoolean();
        }

        boolean queryFlag(String name) {
            for (String part : query == null ? new String[0] : query.split("&")) {
                if (part.equals(name) || part.equals(name + "=true")) return true;
            }
            return false;
        }

        String required(String field) {
            String v = text(field);
            if (v == null || v.isBlank()) throw new DollyException(ErrorKind.BAD_REQUEST, field + ": is required.");
            return v;
        }
    }

    /** Every route of the user API, in the order the OpenAPI document lists them. */
    public static final List<Route> ROUTES = List.of(
            new Route("GET", "/clones", r -> new Command.ListClones(r.queryFlag("all"))),
            new Route("POST", "/clones", r -> {
                String template = r.required("template");
                String name = r.text("name");
                return new Command.Create(template, name != null ? name : DollyGrammar.defaultCloneName(template, r.userName(), r.userId()),
                        r.duration("ttl"), r.text("snapshot"), true);
            }),
            new Route("GET", "/clones/{clone}", r -> new Command.Show(r.var(0))),
            new Route("DELETE", "/clones/{clone}", r -> new Command.Destroy(r.var(0))),
            new Route("POST", "/clones/{clone}/reset", r -> new Command.Reset(r.var(0), r.text("savepoint"))),
            new Route("POST", "/clones/{clone}/savepoints", r -> new Command.Savepoint(r.var(0), r.required("name"))),
            new Route("POST", "/clones/{clone}/rollback", r -> new Command.Rollback(r.var(0), r.required("savepoint"))),
            new Route("POST", "/clones/{clone}/protect", r -> new Command.Protect(r.var(0), r.bool("on", true))),
            new Route("POST", "/clones/{clone}/extend", r -> new Command.Extend(r.var(0),
                    r.duration("by") != null ? r.duration("by") : DollyGrammar.DEFAULT_EXTEND)),
            new Route("POST", "/clones/{clone}/password", r -> new Command.Password(r.var(0))),
            new Route("GET", "/templates", r -> new Command.Templates()),
            new Route("GET", "/templates/{template}/snapshots", r -> new Command.Snapshots(r.var(0))),
            new Route("POST", "/templates/{template}/refresh", r -> new Command.Refresh(r.var(0))),
            new Route("GET", "/status", r -> new Command.Status()),
            new Route("GET", "/tokens", r -> new Command.TokenList(r.queryFlag("all"))),
            new Route("DELETE", "/tokens/{token}", r -> new Command.TokenRevoke(r.var(0))),
            new Route("POST", "/commands", r -> null)); // a command line: parsed by the grammar (see #commandLine)

    private final CommandPort commands;
    private final PersonalTokens tokens;
    private final Function<String, Set<String>> groupsOf;
    private final Grammar grammar = DollyGrammar.create("dolly");
    private final ObjectMapper json = dev.dolly.agent.api.AgentJson.mapper();
    private final TextAnswers text = new TextAnswers();

    public UserApi(CommandPort commands, PersonalTokens tokens, Function<String, Set<String>> groupsOf) {
        this.commands = commands;
        this.tokens = tokens;
        this.groupsOf = groupsOf;
    }

    public HttpAnswer handle(HttpCall call) {
        try {
            return answer(call);
        } catch (DollyException e) {
            return error(e);
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString().substring(0, 8);
            log.error("user API request {} failed", ref, e);
            return error(new DollyException(ErrorKind.INTERNAL, "Internal error (ref " + ref + "); try again."));
        }
    }

    private HttpAnswer answer(HttpCall call) {
        String auth = call.header("Authorization");
        String bearer = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
        PersonalTokens.Bearer who = tokens.authenticate(bearer, groupsOf);
        String path = call.path(), query = null;
        int q = path.indexOf('?');
        if (q >= 0) {
            query = path.substring(q + 1);
            path = path.substring(0, q);
        }
        Route matched = null;
        List<String> vars = List.of();
        boolean pathKnown = false;
        for (Route r : ROUTES) {
            Matcher m = r.pattern().matcher(path);
            if (!m.matches()) continue;
            pathKnown = true;
            if (!r.method().equalsIgnoreCase(call.method())) continue;
            matched = r;
            List<String> v = new ArrayList<>();
            for (int i = 1; i <= m.groupCount(); i++) v.add(URLDecoder.decode(m.group(i), StandardCharsets.UTF_8));
            vars = v;
            break;
        }
        if (matched == null) {
            throw new DollyException(pathKnown ? ErrorKind.BAD_REQUEST : ErrorKind.NOT_FOUND, (pathKnown ? call.method() + " is not allowed on "
                    : "There is no ") + path + ". The routes are in the OpenAPI document (docs/openapi/control-plane.yaml); the CLI: `dolly help`.");
        }
        JsonNode body = body(call);
        Request request = new Request(vars, body, query, who.userName(), who.principal().id());
        boolean plain = wantsText(call);
        if (matched.path().equals("/commands")) return commandLine(call, who, request, plain);
        Command command = matched.builder().build(request);
        return result(call, who, command, plain, query);
    }

    /** {@code POST /api/v1/commands}: {@code {"args":[…]}} (or {@code {"text":"…"}}) through the {@code /dolly} grammar. */
    private HttpAnswer commandLine(HttpCall call, PersonalTokens.Bearer who, Request request, boolean plain) {
        String line;
        JsonNode args = request.body().get("args");
        if (args != null && args.isArray()) {
            List<String> words = new ArrayList<>();
            args.forEach(a -> words.add(a.asText()));
            line = String.join(" ", words.stream().map(UserApi::quote).toList());
        } else {
            line = request.text("text");
            if (line == null) throw new DollyException(ErrorKind.BAD_REQUEST, "args: send {\"args\":[\"list\"]} or {\"text\":\"list\"}.");
        }
        ParseResult parsed = grammar.parse(line, who.userName(), who.principal().id());
        if (parsed instanceof ParseResult.Parsed p) return result(call, who, p.command(), plain, request.query());
        if (parsed instanceof ParseResult.Help h) {
            String help = h.topic() == null ? grammar.help() : grammar.help(h.topic());
            if (plain) return new HttpAnswer(200, java.util.Map.of("Content-Type", "text/plain; charset=utf-8"), TextAnswers.plain(help) + "\n");
            ObjectNode o = json.createObjectNode();
            o.put("help", help);
            return HttpAnswer.json(200, o.toString());
        }
        ParseResult.Invalid invalid = (ParseResult.Invalid) parsed;
        ObjectNode o = json.createObjectNode();
        o.put("error", "bad_request");
        o.put("message", invalid.problem());
        if (invalid.closest() != null) o.put("usage", grammar.usage(invalid.closest()));
        if (invalid.hint() != null) o.put("hint", invalid.hint());
        if (plain) {
            StringBuilder b = new StringBuilder(TextAnswers.plain(invalid.problem()));
            if (invalid.hint() != null) b.append(' ').append(TextAnswers.plain(invalid.hint()));
            if (invalid.closest() != null) b.append("\nusage: ").append(grammar.usage(invalid.closest()));
            return new HttpAnswer(400, java.util.Map.of("Content-Type", "text/plain; charset=utf-8"), b + "\n");
        }
        return HttpAnswer.json(400, o.toString());
    }

    private HttpAnswer result(HttpCall call, PersonalTokens.Bearer who, Command command, boolean plain, String query) {
        String key = call.header(IDEMPOTENCY_HEADER);
        CommandResult r = commands.execute(who.principal(), Front.API, command, key == null || key.isBlank() ? null : "api:" + key);
        String type = dev.dolly.functions.service.Idempotency.AnswerType.of(r).name().toLowerCase(Locale.ROOT);
        if (query != null && query.contains("format=env")) {
            return new HttpAnswer(200, java.util.Map.of("Content-Type", "text/plain; charset=utf-8", "Dolly-Result", type), text.env(r));
        }
        if (plain) {
            return new HttpAnswer(200, java.util.Map.of("Content-Type", "text/plain; charset=utf-8", "Dolly-Result", type), text.render(r));
        }
        try {
            return HttpAnswer.json(200, json.writeValueAsString(r)).withHeader("Dolly-Result", type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode body(HttpCall call) {
        if (call.body().length == 0) return json.createObjectNode();
        try {
            JsonNode n = json.readTree(call.body());
            if (n == null || !n.isObject()) throw new DollyException(ErrorKind.BAD_REQUEST, "The body must be a JSON object.");
            return n;
        } catch (java.io.IOException e) {
            throw new DollyException(ErrorKind.BAD_REQUEST, "The body is not JSON.");
        }
    }

    private static boolean wantsText(HttpCall call) {
        String accept = call.header("Accept");
        return accept != null && accept.contains("text/plain") && !accept.contains("application/json");
    }

    /** A word as the grammar's tokenizer reads it back: quoted when it holds a space or a quote. */
    static String quote(String word) {
        if (!word.isEmpty() && word.chars().noneMatch(c -> c == ' ' || c == '"' || c == '\'' || c == '\t')) return word;
        return "\"" + word.replace("\"", "") + "\"";
    }

    private HttpAnswer error(DollyException e) {
        ObjectNode o = json.createObjectNode();
        o.put("error", e.kind().name().toLowerCase(Locale.ROOT));
        o.put("message", e.getMessage());
        Matcher m = FIELD.matcher(e.getMessage() == null ? "" : e.getMessage());
        if (m.find()) o.put("field", m.group(1));
        HttpAnswer a = HttpAnswer.json(e.kind().httpStatus(), o.toString()).withRetryAfter();
        return e.kind() == ErrorKind.UNAUTHORIZED ? a.withHeader("WWW-Authenticate", "Bearer realm=\"dolly\"") : a;
    }
}
