package dev.dolly.functions.auth;

import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.CommandResult.TokenInfo;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.store.ConflictException;
import dev.dolly.functions.store.DollyStore;
import dev.dolly.functions.store.TokenItem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Personal tokens: a Slack user's credential for the user API and the {@code dolly} CLI. A token is
 * {@code dolly_pat_} + 256 random bits (base64url); only its SHA-256 is stored, with its id ({@code tok-…}),
 * owner, creation, expiry and last use. A token acts as its Slack user ({@link Principal#viaToken}): the same
 * grants, quotas and ownership; the audit trail names the token. Tokens are issued in Slack only (a token cannot
 * mint tokens); their owner or an admin revokes them.
 */
public final class PersonalTokens {
    private static final Logger log = LoggerFactory.getLogger(PersonalTokens.class);
    public static final String PREFIX = "dolly_pat_";
    /** The longest life a token may be given. */
    public static final Duration MAX_TTL = Duration.ofDays(366);
    /** Last use is written at most this often per token (every request would be a write). */
    static final Duration LAST_USE_STEP = Duration.ofMinutes(1);
    /** How long an expired token's record stays (so its id still explains a 401) before DynamoDB's TTL deletes it. */
    static final Duration KEEP_EXPIRED = Duration.ofDays(30);
    private static final Pattern SHAPE = Pattern.compile(Pattern.quote(PREFIX) + "[A-Za-z0-9_-]{43}");
    private static final String GET_ONE = "Get a new one with `/dolly token` in Slack, then run `dolly login`.";

    private final DollyStore store;
    private final Authorizer auth;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public PersonalTokens(DollyStore store, Authorizer auth, Clock clock) {
        this.store = store;
        this.auth = auth;
        this.clock = clock;
    }

    /** SHA-256 of the token, hex: how it is stored and looked up. */
    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public CommandResult execute(Principal p, Front front, Command command) {
        if (command instanceof Command.TokenIssue c) return issue(p, front, c);
        if (command instanceof Command.TokenList c) return list(p, c);
        if (command instanceof Command.TokenRevoke c) return revoke(p, front, c);
        throw new IllegalArgumentException("not a token command: " + command.verb());
    }

    CommandResult.TokenIssued issue(Principal p, Front front, Command.TokenIssue c) {
        if (p.kind() != Principal.Kind.SLACK_USER || p.token() != null) {
            throw new DollyException(ErrorKind.FORBIDDEN, "Refused: personal tokens are issued to Slack users, in Slack: type `/dolly token` "
                    + "there (a token cannot issue tokens).");
        }
        Duration ttl = c.ttl() == null ? Duration.ofDays(90) : c.ttl();
        if (ttl.compareTo(MAX_TTL) > 0) {
            throw new DollyException(ErrorKind.BAD_REQUEST, "ttl: a token lives at most " + MAX_TTL.toDays() + " days; try `--ttl 90d`.");
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        byte[] idBytes = new byte[5];
        random.nextBytes(idBytes);
        String id = "tok-" + HexFormat.of().formatHex(idBytes);
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        TokenItem fresh = TokenItem.create(hash(token), id, p.id(), now, expires, expires.plus(KEEP_EXPIRED));
        fresh.setOwnerName(c.userName());
        TokenItem item = store.putToken(fresh);
        store.audit("token:" + id, Authorizer.actor(p), front.name(), "issue", "done", "expires " + expires);
        return new CommandResult.TokenIssued(info(item), token, "Token " + id + " issued; it expires " + expires
                + ". It acts as you: keep it secret. It is shown only this once.");
    }

    CommandResult.TokenList list(Principal p, Command.TokenList c) {
        if (p.kind() != Principal.Kind.SLACK_USER) {
            throw new DollyException(ErrorKind.FORBIDDEN, "Refused: only Slack users hold personal tokens.");
        }
        if (c.all() && !auth.isAdmin(p)) {
            throw new DollyException(ErrorKind.FORBIDDEN, "Refused: to list everyone's tokens you need the grant role admin; " + Authorizer.describe(p) + " does not have it. `token list` lists yours.");
        }
        List<TokenInfo> out = store.allTokens().stream()
                .filter(t -> c.all() || p.id().equals(t.getOwner()))
                .map(PersonalTokens::info)
                .sorted(Comparator.comparing(TokenInfo::createdAt, Comparator.nullsLast(Comparator.reverseOrder())))
                .toList();
        return new CommandResult.TokenList(out);
    }

    CommandResult.Done revoke(Principal p, Front front, Command.TokenRevoke c) {
        TokenItem t = c.tokenId() == null ? null : store.tokenById(c.tokenId());
        boolean mine = t != null && p.kind() == Principal.Kind.SLACK_USER && p.id().equals(t.getOwner());
        if (t == null || !(mine || auth.isAdmin(p))) {
            throw new DollyException(ErrorKind.NOT_FOUND, "token: you have no token '" + c.tokenId() + "'; `token list` shows yours.");
        }
        if (t.getRevokedAt() != null) return new CommandResult.Done("Token " + t.getId() + " was already revoked.");
        for (int attempt = 0; ; attempt++) {
            t.setRevokedAt(clock.instant());
            try {
                store.putToken(t);
                break;
            } catch (ConflictException e) {
                if (attempt >= 5) throw new DollyException(ErrorKind.CONFLICT, "token: " + t.getId() + " is busy; try again.");
                t = store.tokenById(c.tokenId());
            }
        }
        store.audit("token:" + t.getId(), Authorizer.actor(p), front.name(), "revoke", "done", mine ? null : "owner " + t.getOwner());
        return new CommandResult.Done("Token " + t.getId() + " revoked" + (mine ? "" : " (it belonged to " + t.getOwner() + ")")
                + ". Anything using it now gets 401.");
    }

    /** Who a valid token acts as: the principal, and the Slack user name it was issued to (may be null). */
    public record Bearer(Principal principal, String userName) {}

    /**
     * Who a bearer token acts as, or UNAUTHORIZED saying how to get a valid one. {@code groupsOf} gives the
     * owner's Slack user groups (resolved now, as Slack requests resolve them).
     */
    public Bearer authenticate(String token, Function<String, Set<String>> groupsOf) {
        if (token == null || !SHAPE.matcher(token).matches()) {
            throw new DollyException(ErrorKind.UNAUTHORIZED, "Send a personal token: `Authorization: Bearer dolly_pat_…`. " + GET_ONE);
        }
        TokenItem t = store.token(hash(token));
        Instant now = clock.instant();
        if (t == null) {
            throw new DollyException(ErrorKind.UNAUTHORIZED, "This token is not known to Dolly (mistyped, or removed after it expired). " + GET_ONE);
        }
        if (t.getRevokedAt() != null) {
            throw new DollyException(ErrorKind.UNAUTHORIZED, "Token " + t.getId() + " was revoked. " + GET_ONE);
        }
        if (!now.isBefore(t.getExpiresAt())) {
            throw new DollyException(ErrorKind.UNAUTHORIZED, "Token " + t.getId() + " expired at " + t.getExpiresAt() + ". " + GET_ONE);
        }
        if (t.getLastUsedAt() == null || !now.isBefore(t.getLastUsedAt().plus(LAST_USE_STEP))) {
            t.setLastUsedAt(now);
            try {
                store.putToken(t);
            } catch (RuntimeException e) {
                log.debug("last use of token {} not recorded: {}", t.getId(), e.toString()); // another request recorded it
            }
        }
        return new Bearer(Principal.viaToken(t.getOwner(), groupsOf.apply(t.getOwner()), t.getId()), t.getOwnerName());
    }

    static TokenInfo info(TokenItem t) {
        return new TokenInfo(t.getId(), t.getOwner(), t.getCreatedAt(), t.getExpiresAt(), t.getLastUsedAt(), t.getRevokedAt());
    }
}
