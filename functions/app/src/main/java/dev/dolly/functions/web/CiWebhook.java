package dev.dolly.functions.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dolly.agent.api.signing.SigningScheme;
import dev.dolly.control.api.CloneInfo;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandPort;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.agent.AgentTiming;
import dev.dolly.functions.config.DollyConfig;
import dev.dolly.config.Durations;
import dev.dolly.functions.config.Secrets;
import dev.dolly.functions.service.Idempotency;
import dev.dolly.functions.store.DollyStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/ci} — the CI contract, exactly:
 * <ul>
 * <li>headers {@code X-Dolly-Key} (key id), {@code X-Dolly-Timestamp} (unix seconds),
 *     {@code X-Dolly-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">},
 *     {@code Idempotency-Key} (required for create);</li>
 * <li>bodies {@code {"action":"create","template","clone","ttl","snapshot","wait"}}, {@code status},
 *     {@code reset} (optional {@code savepoint}), {@code destroy}; the migration check's {@code check}
 *     ({@code template, migrations:[{name, sql}], snapshot, keep, wait}), {@code check-start} ({@code template, snapshot,
 *     keep, wait}) and {@code check-finish} ({@code check, keep}) — see {@link CiChecks};</li>
 * <li>answers {@code clone, state, template, snapshot, postgres (the major, when known), host, port, database, user,
 *     connectionString, expiresAt} and {@code password} on create only; errors 400 (naming the field), 401 (bad or
 *     expired signature, more than 5 minutes off either way), 403 (naming the missing grant), 404, 409
 *     (name taken by someone else), 429 (over quota), 503 (no healthy host).</li>
 * </ul>
 * A retried delivery with the same Idempotency-Key gets the first answer and nothing else happens; a
 * replayed request (the same signature) never acts twice: within the window it gets the first answer,
 * outside it a 401. Answers that hold a password are stored sealed with the key's secret.
 */
public class CiWebhook {
    private static final Logger log = LoggerFactory.getLogger(CiWebhook.class);
    public static final String KEY_HEADER = "X-Dolly-Key";
    /** How CI requests are signed (clients/dolly-ci): {@code sha256=hex(HMAC(secret, "<timestamp>.<raw body>"))}. */
    public static final SigningScheme SCHEME = SigningScheme.CI;
    public static final String TIMESTAMP_HEADER = SCHEME.timestampHeader();
    public static final String SIGNATURE_HEADER = SCHEME.signatureHeader();
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    public static final Duration WINDOW = SCHEME.window();
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");
    private static final Pattern FIELD = Pattern.compile("^(template|clone|ttl|snapshot|savepoint|action|wait|by|migrations|check|keep): ");
    /** The largest timestamp worth comparing with the clock (9999-12-31T23:59:59Z); beyond it a timestamp is malformed. */
    private static final long LATEST_TIMESTAMP = 253_402_300_799L;
    /** What an unknown key's request is checked against, so it costs the same HMAC as a wrong signature. */
    private static final String UNKNOWN_KEY_SECRET = UUID.randomUUID().toString();
    /** How long a first answer is kept for retried deliveries. */
    private static final Duration RETENTION = Duration.ofHours(24);
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final Set<String> ACTIONS = Set.of("create", "status", "reset", "destroy", "check", "check-start", "check-finish");
    /** Actions that start something a retried delivery must not start twice. */
    private static final Set<String> NEED_IDEMPOTENCY_KEY = Set.of("create", "check", "check-start");

    private final DollyConfig config;
    private final Secrets secrets;
    private final CommandPort commands;
    private final Idempotency idempotency;
    private final Clock clock;
    private final ObjectMapper json = dev.dolly.agent.api.AgentJson.mapper();
    private final java.util.concurrent.atomic.AtomicLong signatures = new java.util.concurrent.atomic.AtomicLong();

    public CiWebhook(DollyConfig config, Secrets secrets, CommandPort commands, Idempotency idempotency, Clock clock) {
        this.config = config;
        this.secrets = secrets;
        this.commands = commands;
        this.idempotency = idempotency;
        this.clock = clock;
    }

    /** Keeps first answers in {@code store}. */
    public CiWebhook(DollyConfig config, Secrets secrets, CommandPort commands, DollyStore store, Clock clock) {
        this(config, secrets, commands, new Idempotency(store, clock), clock);
    }

    /** How many request signatures this webhook computed (each check costs one, whether the key is known or not). */
    long signaturesComputed() { return signatures.get(); }

    public HttpAnswer handle(HttpCall call) {
        long start = System.nanoTime();
        AgentTiming.reset();
        HttpAnswer a = handleTimed(call).withRetryAfter();
        double totalMs = (System.nanoTime() - start) / 1e6;
        double agentMs = AgentTiming.nanos() / 1e6;
        return a.withHeader("Server-Timing", String.format(Locale.ROOT, "total;dur=%.2f, agent;dur=%.2f", totalMs, agentMs));
    }

    private HttpAnswer handleTimed(HttpCall call) {
        // 1. who is it, and is the request authentic and fresh?
        String keyId = call.header(KEY_HEADER);
        String tsText = call.header(TIMESTAMP_HEADER);
        String sigText = call.header(SIGNATURE_HEADER);
        if (keyId == null || tsText == null || sigText == null) {
            return error(ErrorKind.UNAUTHORIZED, "Missing " + (keyId == null ? KEY_HEADER : tsText == null ? TIMESTAMP_HEADER : SIGNATURE_HEADER)
                    + " header: sign each request (see clients/dolly-ci).", null);
        }
        long ts;
        try {
            ts = Long.parseLong(tsText.trim());
        } catch (NumberFormatException e) {
            ts = -1;
        }
        if (ts < 0 || ts > LATEST_TIMESTAMP) {
            return error(ErrorKind.UNAUTHORIZED, TIMESTAMP_HEADER + " must be the current time in unix seconds (digits only, e.g. "
                    + clock.instant().getEpochSecond() + ").", null);
        }
        Instant now = clock.instant();
        if (!SCHEME.fresh(ts, now)) {
            return error(ErrorKind.UNAUTHORIZED, "Signature expired or not yet valid: " + TIMESTAMP_HEADER
                    + " is more than 5 minutes off this server's clock. Sign with the current time.", null);
        }
        String secret = secretOf(keyId);
        String given = sigText.trim().toLowerCase(Locale.ROOT);
        if (!given.startsWith(SCHEME.signaturePrefix())) {
            return error(ErrorKind.UNAUTHORIZED, SIGNATURE_HEADER + " must be sha256=<hex HMAC>.", null);
        }
        given = given.substring(SCHEME.signaturePrefix().length());
        // an unknown key is checked against a dummy secret: it costs the same time as a wrong signature
        signatures.incrementAndGet();
        String expected = SCHEME.digest((secret == null ? UNKNOWN_KEY_SECRET : secret).getBytes(StandardCharsets.UTF_8), null, null, ts, null,
                call.bodyText().getBytes(StandardCharsets.UTF_8));
        boolean same = SigningScheme.same(expected, given);
        if (!same || secret == null) {
            log.info("CI request refused: bad signature or unknown key '{}'", keyId);
            return error(ErrorKind.UNAUTHORIZED, "Bad signature or unknown key.", null);
        }

        // 2. a replay of this exact request gets the first answer (without any password) and does nothing
        try {
            return idempotency.once("sig", expected, "-", Instant.ofEpochSecond(ts).plus(WINDOW.multipliedBy(2)), CiAnswers.replays(),
                    () -> actSafely(call, keyId, secret));
        } catch (Idempotency.StillRunning e) {
            return error(ErrorKind.CONFLICT, "Replayed request: this signature was already used. The first attempt is still running; "
                    + "retry shortly.", null);
        }
    }

    private HttpAnswer actSafely(HttpCall call, String keyId, String secret) {
        try {
            return act(call, keyId, secret);
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString().substring(0, 8);
            log.error("CI request {} failed", ref, e);
            return error(ErrorKind.INTERNAL, "Internal error (ref " + ref + "); try again.", null);
        }
    }

    private HttpAnswer act(HttpCall call, String keyId, String secret) {
        // 3. what is asked
        JsonNode body;
        try {
            body = json.readTree(call.body());
        } catch (Exception e) {
            return error(ErrorKind.BAD_REQUEST, "body: not valid JSON.", "body");
        }
        if (body == null || !body.isObject()) {
            return error(ErrorKind.BAD_REQUEST, "body: must be a JSON object.", "body");
        }
        String action = text(body, "action");
        if (action == null || !ACTIONS.contains(action)) {
            return error(ErrorKind.BAD_REQUEST, "action: must be one of create, status, reset, destroy, check, check-start, check-finish.",
                    "action");
        }
        Command command;
        try {
            command = command(action, body);
        } catch (DollyException e) {
            return error(e);
        }
        Principal principal = Principal.ciKey(keyId);
        String idemKey = call.header(IDEMPOTENCY_HEADER);
        if (idemKey != null && !IDEMPOTENCY_KEY.matcher(idemKey).matches()) {
            return error(ErrorKind.BAD_REQUEST, IDEMPOTENCY_HEADER + ": 1 to 200 visible ASCII characters.", IDEMPOTENCY_HEADER);
        }
        if (NEED_IDEMPOTENCY_KEY.contains(action) && idemKey == null) {
            return error(ErrorKind.BAD_REQUEST, IDEMPOTENCY_HEADER + ": required for " + action + " (any unique string per intended "
                    + (action.equals("create") ? "clone" : "check") + ", reused when retrying the same delivery).", IDEMPOTENCY_HEADER);
        }

        // 4. a retried delivery (same Idempotency-Key) gets the first answer and does nothing
        //    (status only reads: nothing to protect, so no record is kept for it)
        if (action.equals("status") || idemKey == null) return run(principal, command);
        try {
            return idempotency.once("ci:" + keyId, idemKey, Idempotency.sha256(canonical(body)), clock.instant().plus(RETENTION),
                    CiAnswers.retries(secret), () -> run(principal, command));
        } catch (Idempotency.KeyReused e) {
            return error(ErrorKind.BAD_REQUEST, IDEMPOTENCY_HEADER + ": already used for a different request body; use a new key.",
                    IDEMPOTENCY_HEADER);
        } catch (Idempotency.StillRunning e) {
            return error(ErrorKind.CONFLICT, "Retried delivery: same Idempotency-Key. The first attempt is still running; retry shortly.",
                    null);
        }
    }

    private HttpAnswer run(Principal principal, Command command) {
        try {
            return answer(commands.execute(principal, Front.CI, command));
        } catch (DollyException e) {
            return error(e);
        }
    }

    /** A request body's canonical form: its JSON with object keys sorted, no insignificant whitespace. */
    private String canonical(JsonNode body) {
        try {
            return CANONICAL.writeValueAsString(CANONICAL.treeToValue(body, Object.class));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Command command(String action, JsonNode body) {
        String clone = text(body, "clone");
        switch (action) {
            case "create" -> {
                String template = text(body, "template");
                if (template == null) throw bad("template: required for create.");
                Duration ttl = null;
                String ttlText = text(body, "ttl");
                if (ttlText != null) {
                    try {
                        ttl = Durations.parse(ttlText);
                    } catch (IllegalArgumentException e) {
                        throw bad("ttl: " + e.getMessage() + ".");
                    }
                }
                JsonNode wait = body.get("wait");
                if (wait != null && !wait.isNull() && !wait.isBoolean()) throw bad("wait: must be true or false.");
                return new Command.Create(template, clone, ttl, text(body, "snapshot"), wait == null || wait.asBoolean(true));
            }
            case "check", "check-start", "check-finish" -> {
                return CiChecks.command(action, body);
            }
            case "status" -> {
                if (clone == null) throw bad("clone: required for status.");
                return new Command.Show(clone);
            }
            case "reset" -> {
                if (clone == null) throw bad("clone: required for reset.");
                return new Command.Reset(clone, text(body, "savepoint"));
            }
            default -> {
                if (clone == null) throw bad("clone: required for destroy.");
                return new Command.Destroy(clone);
            }
        }
    }

    static DollyException bad(String message) {
        return new DollyException(ErrorKind.BAD_REQUEST, message);
    }

    static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw bad(field + ": must be a string.");
        String s = n.asText().trim();
        return s.isEmpty() ? null : s;
    }

    private HttpAnswer answer(CommandResult r) {
        ObjectNode o = json.createObjectNode();
        if (r instanceof CommandResult.CheckResult cr) return CiChecks.answer(cr, json);
        if (r instanceof CommandResult.CloneResult cr) {
            cloneFields(o, cr.info());
            if (cr.password() != null) o.put("password", cr.password());
            if (cr.message() != null) o.put("message", cr.message());
            return HttpAnswer.json(cr.password() != null ? 201 : 200, o.toString());
        }
        if (r instanceof CommandResult.Done d) {
            o.put("state", "GONE");
            o.put("message", d.message());
            return HttpAnswer.json(200, o.toString());
        }
        return HttpAnswer.json(200, json.valueToTree(r).toString());
    }

    /** A clone as the CI contract answers it (create, status, reset, check-start). */
    static void cloneFields(ObjectNode o, CloneInfo c) {
        o.put("clone", c.id());
        o.put("state", c.state().name());
        o.put("template", c.template());
        o.put("snapshot", c.snapshot());
        if (c.postgres() != null) o.put("postgres", c.postgres());
        o.put("host", c.host());
        if (c.port() > 0) o.put("port", c.port()); else o.putNull("port");
        o.put("database", c.database());
        o.put("user", c.user());
        o.put("connectionString", c.connectionString());
        o.put("expiresAt", c.expiresAt() == null ? null : c.expiresAt().toString());
    }

    private HttpAnswer error(DollyException e) {
        Matcher m = FIELD.matcher(e.getMessage() == null ? "" : e.getMessage());
        if (e.kind() == ErrorKind.INTERNAL) {
            String ref = UUID.randomUUID().toString().substring(0, 8);
            log.error("CI request {} failed: {}", ref, e.getMessage(), e);
            return error(ErrorKind.INTERNAL, "Internal error (ref " + ref + "); try again.", null);
        }
        return error(e.kind(), e.getMessage(), m.find() ? m.group(1) : null);
    }

    private HttpAnswer error(ErrorKind kind, String message, String field) {
        ObjectNode o = json.createObjectNode();
        o.put("error", kind.name().toLowerCase(Locale.ROOT));
        o.put("message", message);
        if (field != null) o.put("field", field);
        return HttpAnswer.json(kind.httpStatus(), o.toString());
    }

    // ---------------------------------------------------------------- crypto

    private String secretOf(String keyId) {
        for (DollyConfig.CiKeyConfig k : config.ciKeys()) {
            if (k.id() != null && k.id().equals(keyId)) {
                String s = secrets.resolve(k.secretEnv(), k.secret());
                if (s == null) s = secrets.ciKeyFromArns(keyId);
                if (s == null) log.error("CI key {} has no secret: set {}", keyId, k.secretEnv());
                return s;
            }
        }
        // a key the deployment declares only by its secret's ARN
        return secrets.ciKeyFromArns(keyId);
    }

    static Map<String, String> none() { return Map.of(); }
}
