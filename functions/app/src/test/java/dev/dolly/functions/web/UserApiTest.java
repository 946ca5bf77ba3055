package dev.dolly.functions.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.Harness;
import dev.dolly.functions.auth.PersonalTokens;
import dev.dolly.functions.store.AuditItem;
import dev.dolly.functions.store.TokenItem;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Personal tokens and the user API on the whole control plane (DynamoDB Local in memory, no agent): issue through
 * the command model, hashing, expiry, revocation (own, admin's), that a token acts as its user, and the API's answers.
 */
class UserApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Harness h;
    private UserApi api;

    @BeforeEach
    void setUp() {
        h = new Harness(Harness.yaml(""));
        api = new UserApi(h.service, h.service.tokens(), user -> user.equals("UGROUPIE") ? Set.of("SDEVS") : Set.of());
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private CommandResult.TokenIssued issue(String user, Duration ttl) {
        return (CommandResult.TokenIssued) h.service.execute(Principal.slackUser(user, Set.of()), Front.SLACK,
                new Command.TokenIssue(ttl, user.toLowerCase()));
    }

    private HttpAnswer call(String method, String path, String token, String body) {
        Map<String, String> headers = token == null ? Map.of() : Map.of("Authorization", "Bearer " + token);
        return api.handle(new HttpCall(method, path, headers, body == null ? null : body.getBytes()));
    }

    private static JsonNode json(HttpAnswer a) throws Exception {
        return JSON.readTree(a.body());
    }

    @Test
    void aTokenIsShownOnceAndStoredOnlyAsItsHash() {
        CommandResult.TokenIssued t = issue("UDEV", null);
        assertThat(t.token()).matches("dolly_pat_[A-Za-z0-9_-]{43}");
        assertThat(t.info().id()).matches("tok-[0-9a-f]{10}");
        assertThat(t.info().expiresAt()).isEqualTo(t.info().createdAt().plus(Duration.ofDays(90)));
        assertThat(t.toString()).doesNotContain(t.token());
        TokenItem stored = h.store.token(PersonalTokens.hash(t.token()));
        assertThat(stored.getId()).isEqualTo(t.info().id());
        assertThat(stored.getPk()).isEqualTo("TOKEN#" + PersonalTokens.hash(t.token())).doesNotContain(t.token().substring(10));
        assertThat(PersonalTokens.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void tokensAreIssuedInSlackOnly() {
        CommandResult.TokenIssued t = issue("UDEV", null);
        Principal viaToken = h.service.tokens().authenticate(t.token(), u -> Set.of()).principal();
        assertThatThrownBy(() -> h.service.execute(viaToken, Front.API, new Command.TokenIssue(null, null)))
                .isInstanceOf(DollyException.class).hasMessageContaining("/dolly token");
        assertThatThrownBy(() -> h.service.execute(Principal.ciKey("ci-dev"), Front.CI, new Command.TokenIssue(null, null)))
                .isInstanceOf(DollyException.class).extracting(e -> ((DollyException) e).kind()).isEqualTo(ErrorKind.FORBIDDEN);
        assertThatThrownBy(() -> issue("UDEV", Duration.ofDays(400))).isInstanceOf(DollyException.class).hasMessageStartingWith("ttl:");
    }

    @Test
    void aTokenActsAsItsSlackUserAndTheAuditNamesIt() throws Exception {
        CommandResult.TokenIssued t = issue("UDEV", null);
        HttpAnswer list = call("GET", "/api/v1/clones", t.token(), null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(json(list).get("clones").isArray()).isTrue();
        // UDEV's own clone (developer on shop): the token may extend it; the audit names the token
        h.seedClone("shop-udev", "slack:UDEV", "shop", null, Duration.ofHours(2));
        HttpAnswer ext = call("POST", "/api/v1/clones/shop-udev/extend", t.token(), "{\"by\":\"2h\"}");
        assertThat(ext.status()).as(ext.body()).isEqualTo(200);
        assertThat(json(ext).get("info").get("id").asText()).isEqualTo("shop-udev");
        assertThat(h.store.auditOf("clone:shop-udev")).extracting(AuditItem::getPrincipal)
                .contains("slack:UDEV token:" + t.info().id());
        // someone else's clone: refused as Slack refuses it
        h.seedClone("other", "slack:UDEV2", "shop", null, Duration.ofHours(2));
        HttpAnswer refused = call("POST", "/api/v1/clones/other/extend", t.token(), "{}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(json(refused).get("error").asText()).isEqualTo("forbidden");
        assertThat(json(refused).get("message").asText()).contains("belongs to slack:UDEV2");
        // last use is recorded
        assertThat(h.store.token(PersonalTokens.hash(t.token())).getLastUsedAt()).isNotNull();
    }

    @Test
    void groupsAreResolvedForTheTokensUser() {
        CommandResult.TokenIssued t = issue("UGROUPIE", null);
        assertThat(call("GET", "/api/v1/templates", t.token(), null).status()).isEqualTo(200);
    }

    @Test
    void aUserWithoutAGrantGets403() throws Exception {
        CommandResult.TokenIssued t = issue("UNOBODY", null);
        HttpAnswer a = call("GET", "/api/v1/clones", t.token(), null);
        assertThat(a.status()).isEqualTo(403);
        assertThat(json(a).get("message").asText()).contains("Ask a Dolly admin");
    }

    @Test
    void missingMalformedExpiredAndRevokedTokensGet401SayingHowToGetANewOne() throws Exception {
        assertThat(call("GET", "/api/v1/clones", null, null).status()).isEqualTo(401);
        assertThat(call("GET", "/api/v1/clones", "dolly_pat_short", null).status()).isEqualTo(401);
        assertThat(call("GET", "/api/v1/clones", "dolly_pat_" + "A".repeat(43), null).status()).isEqualTo(401);

        CommandResult.TokenIssued t = issue("UDEV", Duration.ofHours(1));
        assertThat(call("GET", "/api/v1/clones", t.token(), null).status()).isEqualTo(200);
        h.clock.advance(Duration.ofHours(1));
        HttpAnswer expired = call("GET", "/api/v1/clones", t.token(), null);
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.headers()).containsKey("WWW-Authenticate");
        assertThat(json(expired).get("message").asText()).contains("expired").contains("/dolly token").contains("dolly login");

        CommandResult.TokenIssued u = issue("UDEV", null);
        HttpAnswer revoke = call("DELETE", "/api/v1/tokens/" + u.info().id(), u.token(), null);
        assertThat(revoke.status()).as(revoke.body()).isEqualTo(200);
        HttpAnswer revoked = call("GET", "/api/v1/clones", u.token(), null);
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(json(revoked).get("message").asText()).contains("revoked").contains("/dolly token");
        assertThat(h.store.auditOf("token:" + u.info().id())).extracting(AuditItem::getAction).contains("issue", "revoke");
    }

    @Test
    void onlyTheOwnerOrAnAdminRevokes() {
        CommandResult.TokenIssued mine = issue("UDEV", null);
        Command revoke = new Command.TokenRevoke(mine.info().id());
        assertThatThrownBy(() -> h.service.execute(Principal.slackUser("UDEV2", Set.of()), Front.SLACK, revoke))
                .isInstanceOf(DollyException.class).extracting(e -> ((DollyException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND);
        CommandResult done = h.service.execute(Principal.slackUser("UADMIN", Set.of()), Front.SLACK, revoke);
        assertThat(((CommandResult.Done) done).message()).contains("revoked").contains("UDEV");
        assertThat(h.store.token(PersonalTokens.hash(mine.token())).getRevokedAt()).isNotNull();
    }

    @Test
    void listShowsOwnTokensAndAdminsSeeAll() {
        issue("UDEV", null);
        issue("UDEV2", null);
        CommandResult.TokenList own = (CommandResult.TokenList) h.service.execute(Principal.slackUser("UDEV", Set.of()), Front.SLACK,
                new Command.TokenList(false));
        assertThat(own.tokens()).extracting(CommandResult.TokenInfo::owner).containsExactly("UDEV");
        assertThatThrownBy(() -> h.service.execute(Principal.slackUser("UDEV", Set.of()), Front.SLACK, new Command.TokenList(true)))
                .isInstanceOf(DollyException.class);
        CommandResult.TokenList all = (CommandResult.TokenList) h.service.execute(Principal.slackUser("UADMIN", Set.of()), Front.SLACK,
                new Command.TokenList(true));
        assertThat(all.tokens()).extracting(CommandResult.TokenInfo::owner).contains("UDEV", "UDEV2");
    }

    @Test
    void commandLinesAreParsedByTheSlackGrammar() throws Exception {
        CommandResult.TokenIssued t = issue("UDEV", null);
        HttpAnswer bad = call("POST", "/api/v1/commands", t.token(), "{\"args\":[\"crate\",\"shop\"]}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(json(bad).get("hint").asText()).isEqualTo("Did you mean `create`?");
        HttpAnswer badTtl = call("POST", "/api/v1/commands", t.token(), "{\"args\":[\"create\",\"shop\",\"--ttl\",\"2x\"]}");
        assertThat(json(badTtl).get("message").asText()).startsWith("Bad value for `--ttl`");
        HttpAnswer help = call("POST", "/api/v1/commands", t.token(), "{\"args\":[\"help\"]}");
        assertThat(json(help).get("help").asText()).contains("dolly create <template>");
        HttpAnswer list = api.handle(new HttpCall("POST", "/api/v1/commands",
                Map.of("Authorization", "Bearer " + t.token(), "Accept", "text/plain"), "{\"args\":[\"token\",\"list\"]}".getBytes()));
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).startsWith("TOKEN").contains(t.info().id());
        assertThat(list.headers()).containsEntry("Dolly-Result", "token_list");
    }

    @Test
    void unknownRoutesAndMethodsAreRefused() {
        CommandResult.TokenIssued t = issue("UDEV", null);
        assertThat(call("GET", "/api/v1/nothing", t.token(), null).status()).isEqualTo(404);
        assertThat(call("PUT", "/api/v1/clones", t.token(), null).status()).isEqualTo(400);
        assertThat(call("POST", "/api/v1/clones", t.token(), "[1]").status()).isEqualTo(400);
    }
}
