package dev.dolly.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.dolly.control.api.CloneInfo;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.slack.blocks.BlockKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.dolly.slack.SlackRequests.ADMIN;
import static dev.dolly.slack.SlackRequests.ALICE;
import static dev.dolly.slack.SlackRequests.BOB;
import static dev.dolly.slack.SlackRequests.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

/** The Slack front end to end against WireMock standing in for Slack, with an in-memory control plane. */
class SlackFrontTest {
    static FakeSlack slack;

    MutableClock clock;
    FakeCommandPort port;
    QueueDispatcher dispatcher;
    SlackFront front;
    SlackRequests requests;

    @BeforeAll
    static void startSlack() {
        slack = new FakeSlack();
    }

    @AfterAll
    static void stopSlack() {
        slack.close();
    }

    @BeforeEach
    void setUp() {
        slack.resetToDefaults();
        clock = new MutableClock();
        port = new FakeCommandPort(clock);
        dispatcher = new QueueDispatcher();
        SlackSettings settings = SlackSettings.of(SECRET, "xoxb-test-token", slack.apiUrl())
                .withTemplateChannels(Map.of("shop", "#shop-refresh"), "#dolly");
        front = new SlackFront(settings, port, dispatcher, clock);
        requests = new SlackRequests(clock, slack.baseUrl());
    }

    // ------------------------------------------------------------------ plumbing

    @Test
    void startsWithAuthTestUsingTheBotToken() {
        List<LoggedRequest> authTests = slack.api("auth.test");
        assertThat(authTests).hasSize(1);
        assertThat(authTests.get(0).getHeader("Authorization")).isEqualTo("Bearer xoxb-test-token");
    }

    @Test
    void answersUrlVerificationWithTheChallenge() {
        SlackHttpResponse r = front.handle(requests.urlVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    }

    @Test
    void answers404OutsideTheRequestUrl() {
        SlackHttpRequest r = requests.command("list", ALICE, "x");
        assertThat(front.handle(new SlackHttpRequest("/slack/other", r.headers(), r.body())).status()).isEqualTo(404);
    }

    // ------------------------------------------------------------------ signatures

    @Test
    void acceptsASignatureMadeTheWaySlackMakesIt() {
        assertThat(front.handle(requests.command("list", ALICE, "sig")).status()).isEqualTo(200);
        assertThat(dispatcher.queued).hasSize(1);
    }

    @Test
    void rejectsAWrongSignature() {
        String body = requests.command("list", ALICE, "sig").body();
        long now = clock.millis() / 1000;
        SlackHttpResponse r = front.handle(SlackRequests.signed(body, "application/x-www-form-urlencoded", now, "not-the-secret"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).doesNotContain("secret");
        assertThat(dispatcher.queued).isEmpty();
    }

    @Test
    void rejectsATamperedBody() {
        SlackHttpRequest signed = requests.command("list", ALICE, "sig");
        SlackHttpRequest tampered = new SlackHttpRequest(signed.path(), signed.headers(), signed.body().replace("U0ALICE", "U0ADMIN"));
        assertThat(front.handle(tampered).status()).isEqualTo(401);
        assertThat(dispatcher.queued).isEmpty();
    }

    @Test
    void rejectsAnExpiredTimestampByTheInjectedClock() {
        String body = requests.command("list", ALICE, "sig").body();
        long now = clock.millis() / 1000;
        assertThat(front.handle(SlackRequests.signed(body, "application/x-www-form-urlencoded", now - 301, SECRET)).status()).isEqualTo(401);
        assertThat(front.handle(SlackRequests.signed(body, "application/x-www-form-urlencoded", now - 240, SECRET)).status()).isEqualTo(200);
        assertThat(dispatcher.queued).hasSize(1);
    }

    @Test
    void rejectsAFutureDatedTimestamp() {
        String body = requests.command("list", ALICE, "sig").body();
        long now = clock.millis() / 1000;
        assertThat(front.handle(SlackRequests.signed(body, "application/x-www-form-urlencoded", now + 301, SECRET)).status()).isEqualTo(401);
        assertThat(front.handle(SlackRequests.signed(body, "application/x-www-form-urlencoded", now + 3600, SECRET)).status()).isEqualTo(401);
        assertThat(front.handle(SlackRequests.signed(body, "application/x-www-form-urlencoded", now + 60, SECRET)).status()).isEqualTo(200);
        assertThat(dispatcher.queued).hasSize(1);
    }

    @Test
    void rejectsMissingSignatureHeaders() {
        String body = requests.command("list", ALICE, "sig").body();
        SlackHttpResponse r = front.handle(new SlackHttpRequest(SlackFront.EVENTS_PATH,
                Map.of("Content-Type", List.of("application/x-www-form-urlencoded")), body));
        assertThat(r.status()).isEqualTo(401);
    }

    @Test
    void rejectsUnsignedInteractivityAndEvents() {
        SlackHttpRequest button = requests.blockAction(BlockKit.ACTION_DESTROY, "shop-alice", ALICE, "b", false);
        long now = clock.millis() / 1000;
        assertThat(front.handle(SlackRequests.signed(button.body(), "application/x-www-form-urlencoded", now, "wrong")).status()).isEqualTo(401);
        SlackHttpRequest event = requests.appHomeOpened(ALICE, null);
        assertThat(front.handle(SlackRequests.signed(event.body(), "application/json", now - 600, SECRET)).status()).isEqualTo(401);
        assertThat(dispatcher.queued).isEmpty();
    }

    // ------------------------------------------------------------------ every command

    static Stream<Arguments> everyCommand() {
        return Stream.of(
                Arguments.of(ALICE, "create shop", new Command.Create("shop", "shop-alice", null, null, true)),
                Arguments.of(ALICE, "create shop --name shop-bugfix --ttl 2d --snapshot 20260114-0300",
                        new Command.Create("shop", "shop-bugfix", Duration.ofDays(2), "20260114-0300", true)),
                Arguments.of(BOB, "create shop --ttl 30m", new Command.Create("shop", "shop-bob-smith", Duration.ofMinutes(30), null, true)),
                Arguments.of(ALICE, "list", new Command.ListClones(false)),
                Arguments.of(ADMIN, "list --all", new Command.ListClones(true)),
                Arguments.of(ALICE, "show shop-alice", new Command.Show("shop-alice")),
                Arguments.of(ALICE, "reset shop-alice", new Command.Reset("shop-alice", null)),
                Arguments.of(ALICE, "reset shop-alice --savepoint before-migration", new Command.Reset("shop-alice", "before-migration")),
                Arguments.of(ALICE, "savepoint shop-alice before-migration", new Command.Savepoint("shop-alice", "before-migration")),
                Arguments.of(ALICE, "rollback shop-alice before-migration", new Command.Rollback("shop-alice", "before-migration")),
                Arguments.of(ALICE, "destroy shop-alice", new Command.Destroy("shop-alice")),
                Arguments.of(ADMIN, "protect shop-alice", new Command.Protect("shop-alice", true)),
                Arguments.of(ADMIN, "protect shop-alice --off", new Command.Protect("shop-alice", false)),
                Arguments.of(ALICE, "extend shop-alice", new Command.Extend("shop-alice", Duration.ofHours(4))),
                Arguments.of(ALICE, "extend shop-alice --by 1d12h", new Command.Extend("shop-alice", Duration.ofHours(36))),
                Arguments.of(ALICE, "password shop-alice", new Command.Password("shop-alice")),
                Arguments.of(ALICE, "snapshots shop", new Command.Snapshots("shop")),
                Arguments.of(ADMIN, "refresh shop", new Command.Refresh("shop")),
                Arguments.of(ALICE, "templates", new Command.Templates()),
                Arguments.of(ALICE, "status", new Command.Status()));
    }

    @ParameterizedTest(name = "/dolly {1}")
    @MethodSource("everyCommand")
    void everyCommandIsAckedThenRunAsTheRightCommandAndAnsweredThroughResponseUrl(SlackRequests.User user, String text, Command expected) {
        port.add("shop-alice", ALICE.id());
        SlackHttpResponse ack = front.handle(requests.command(text, user, "cmd"));

        assertThat(ack.status()).isEqualTo(200);
        JsonNode ackBody = FakeSlack.json(ack.body());
        assertThat(ackBody.path("response_type").asText()).isEqualTo("ephemeral");
        assertThat(ack.body()).contains("working on it");
        assertThat(port.calls).as("nothing runs on the request thread").isEmpty();
        assertThat(dispatcher.queued).hasSize(1);
        SlackWork work = dispatcher.queued.get(0);
        assertThat(work.userId()).isEqualTo(user.id());
        assertThat(work.responseUrl()).isEqualTo(requests.responseUrl("cmd"));
        assertThat(work.idempotencyKey()).startsWith("slack:");

        dispatcher.runAll(front);

        FakeCommandPort.Call call = port.calls.get(0);
        assertThat(call.command()).isEqualTo(expected);
        assertThat(call.front()).isEqualTo(Front.SLACK);
        assertThat(call.principal().kind()).isEqualTo(Principal.Kind.SLACK_USER);
        assertThat(call.principal().id()).isEqualTo(user.id());
        boolean readOnly = expected instanceof Command.ListClones || expected instanceof Command.Show || expected instanceof Command.Snapshots
                || expected instanceof Command.Templates || expected instanceof Command.Status;
        assertThat(call.idempotencyKey()).isEqualTo(readOnly ? null : work.idempotencyKey());

        List<LoggedRequest> answers = slack.responses("cmd");
        assertThat(answers).isNotEmpty();
        for (LoggedRequest a : answers) {
            JsonNode body = FakeSlack.json(a);
            assertThat(body.path("response_type").asText()).isEqualTo(expected instanceof Command.Refresh ? "in_channel" : "ephemeral");
            assertThat(body.path("blocks").isArray()).isTrue();
            assertThat(body.path("blocks").size()).isBetween(1, 50);
            assertThat(body.path("text").asText()).isNotBlank();
        }
    }

    @Test
    void principalCarriesTheUsersSlackGroupIdsNeverHandlesResolvedOnceAndCachedByTheClock() {
        front.handle(requests.command("templates", ALICE, "g1"));
        front.handle(requests.command("templates", ADMIN, "g2"));
        front.handle(requests.command("templates", BOB, "g3"));
        dispatcher.runAll(front);

        assertThat(port.calls.get(0).principal().groups()).containsExactly("S0DEVS");
        assertThat(port.calls.get(1).principal().groups()).containsExactlyInAnyOrder("S0DEVS", "S0ADMINS");
        assertThat(port.calls.get(2).principal().groups()).isEmpty();
        assertThat(slack.api("usergroups.list")).hasSize(1);
        assertThat(FakeSlack.form(slack.api("usergroups.list").get(0))).containsEntry("include_users", "1");

        clock.advance(Duration.ofMinutes(9));
        front.handle(requests.command("templates", ALICE, "g4"));
        dispatcher.runAll(front);
        assertThat(slack.api("usergroups.list")).as("still cached").hasSize(1);

        clock.advance(Duration.ofMinutes(2));
        front.handle(requests.command("templates", ALICE, "g5"));
        dispatcher.runAll(front);
        assertThat(slack.api("usergroups.list")).as("expired after 10 minutes").hasSize(2);
    }

    // ------------------------------------------------------------------ help and mistakes

    @Test
    void helpIsAnsweredInTheAckWithEveryCommandFromTheGrammar() {
        for (String text : List.of("help", "", "--help")) {
            SlackHttpResponse ack = front.handle(requests.command(text, ALICE, "help"));
            assertThat(ack.status()).isEqualTo(200);
            JsonNode body = FakeSlack.json(ack.body());
            assertThat(body.path("response_type").asText()).isEqualTo("ephemeral");
            String shown = body.toString();
            for (var verb : front.grammar().verbs()) assertThat(shown).contains(BlockKit.esc(front.grammar().usage(verb)));
            assertThat(shown).contains(BlockKit.esc("/dolly create <template> [--name <clone>] [--ttl 4h] [--snapshot <id>]"))
                    .contains(BlockKit.esc("/dolly reset <clone> [--savepoint <name>]"))
                    .contains(BlockKit.esc("/dolly destroy <clone>")).contains("/dolly list").contains("/dolly help");
        }
        SlackHttpResponse detail = front.handle(requests.command("help create", ALICE, "help"));
        assertThat(FakeSlack.json(detail.body()).toString()).contains("--ttl 4h").contains("Examples").contains("/dolly create shop --name shop-bugfix --ttl 2d");
        assertThat(dispatcher.queued).isEmpty();
        assertThat(port.calls).isEmpty();
    }

    @Test
    void malformedCommandsSayWhatWasWrongAndTheClosestUsage() {
        Map<String, List<String>> cases = Map.of(
                "crate shop", List.of("There is no command `crate`", "Did you mean `create`?", "/dolly create <template> [--name <clone>] [--ttl 4h] [--snapshot <id>]"),
                "destory shop-alice", List.of("Did you mean `destroy`?", "/dolly destroy <clone>"),
                "create", List.of("`create` needs <template>", "/dolly create <template>"),
                "create shop --ttl 4x", List.of("`4x` is not a duration", "/dolly create <template>"),
                "create shop --ttl", List.of("`--ttl` needs a value", "/dolly create <template>"),
                "reset shop-alice --savepiont before", List.of("`reset` has no option `--savepiont`", "Did you mean `--savepoint`?",
                        "/dolly reset <clone> [--savepoint <name>]"),
                "destroy shop-alice now", List.of("Unexpected `now`", "/dolly destroy <clone>"),
                "create Shop!", List.of("is not a name", "/dolly create"),
                "frobnicate", List.of("There is no command `frobnicate`", "Commands: help, create, list"));
        cases.forEach((text, expected) -> {
            SlackHttpResponse ack = front.handle(requests.command(text, ALICE, "bad"));
            assertThat(ack.status()).isEqualTo(200);
            JsonNode body = FakeSlack.json(ack.body());
            assertThat(body.path("response_type").asText()).as(text).isEqualTo("ephemeral");
            String shown = body.toString();
            for (String e : expected) assertThat(shown).as(text).contains(BlockKit.esc(e));
        });
        assertThat(dispatcher.queued).isEmpty();
        assertThat(port.calls).isEmpty();
    }

    // ------------------------------------------------------------------ cards, credentials, visibility

    @Test
    void createAnswersOnlyToTheUserWithTheCardButtonsAndThePassword() {
        front.handle(requests.command("create shop --ttl 4h", ALICE, "create"));
        dispatcher.runAll(front);

        List<LoggedRequest> answers = slack.responses("create");
        assertThat(answers).hasSize(1);
        JsonNode body = FakeSlack.json(answers.get(0));
        String password = port.passwords.get(0);
        assertThat(body.path("response_type").asText()).isEqualTo("ephemeral");
        assertThat(body.path("replace_original").asBoolean()).isFalse();
        String blocks = body.path("blocks").toString();
        assertThat(blocks).contains("shop-alice").contains("ready").contains("shop").contains(FakeCommandPort.SNAPSHOT)
                .contains("7 h old")
                .contains("postgresql://shop_alice@db1.dolly.internal:24001/shop")
                .contains("(in 4 h)")
                .contains(BlockKit.esc(password))
                .contains(URLEncoder.encode(password, StandardCharsets.UTF_8));

        JsonNode actions = actionsBlock(body);
        assertThat(actions.path("block_id").asText()).isEqualTo("clone:shop-alice");
        Map<String, JsonNode> buttons = buttons(actions);
        assertThat(buttons).containsOnlyKeys(BlockKit.ACTION_RESET, BlockKit.ACTION_EXTEND, BlockKit.ACTION_DESTROY);
        for (String danger : List.of(BlockKit.ACTION_RESET, BlockKit.ACTION_DESTROY)) {
            JsonNode b = buttons.get(danger);
            assertThat(b.path("style").asText()).isEqualTo("danger");
            assertThat(b.path("value").asText()).isEqualTo("shop-alice");
            assertThat(b.path("confirm").path("title").path("text").asText()).contains("shop-alice");
            assertThat(b.path("confirm").path("confirm").path("text").asText()).isNotBlank();
            assertThat(b.path("confirm").path("deny").path("text").asText()).isEqualTo("Cancel");
            assertThat(b.path("confirm").path("style").asText()).isEqualTo("danger");
        }
        assertThat(buttons.get(BlockKit.ACTION_EXTEND).has("confirm")).isFalse();
    }

    @Test
    void sharedCreatePostsTheCardInTheChannelAndTheCredentialsOnlyToTheUser() {
        front.handle(requests.command("create shop --share", ALICE, "shared"));
        dispatcher.runAll(front);

        List<LoggedRequest> answers = slack.responses("shared");
        assertThat(answers).hasSize(2);
        String password = port.passwords.get(0);
        JsonNode card = FakeSlack.json(answers.get(0));
        JsonNode credentials = FakeSlack.json(answers.get(1));
        assertThat(card.path("response_type").asText()).isEqualTo("in_channel");
        assertThat(card.path("blocks").toString()).contains("shop-alice").contains("postgresql://shop_alice@db1.dolly.internal");
        assertNoPassword(card.toString(), password);
        assertThat(credentials.path("response_type").asText()).isEqualTo("ephemeral");
        assertThat(credentials.path("blocks").toString()).contains(BlockKit.esc(password));
    }

    @Test
    void credentialsNeverGoToTheChannelEvenWhenSharingIsAskedFor() {
        port.add("shop-alice", ALICE.id());
        front.handle(requests.command("password shop-alice --share", ALICE, "pw"));
        dispatcher.runAll(front);

        String password = port.passwords.get(0);
        for (LoggedRequest a : slack.responses("pw")) {
            JsonNode body = FakeSlack.json(a);
            if (body.path("response_type").asText().equals("in_channel")) assertNoPassword(body.toString(), password);
        }
        assertThat(slack.responses("pw").stream().map(FakeSlack::json)
                .filter(b -> b.path("response_type").asText().equals("ephemeral"))
                .anyMatch(b -> b.toString().contains(BlockKit.esc(password)))).isTrue();
    }

    @Test
    void resultsAreEphemeralUnlessSharedAndRefreshIsAnnouncedInTheChannel() {
        port.add("shop-alice", ALICE.id());
        front.handle(requests.command("show shop-alice", ALICE, "private"));
        front.handle(requests.command("show shop-alice --share", ALICE, "public"));
        front.handle(requests.command("refresh shop", ADMIN, "refresh"));
        dispatcher.runAll(front);

        assertThat(FakeSlack.json(slack.responses("private").get(0)).path("response_type").asText()).isEqualTo("ephemeral");
        assertThat(FakeSlack.json(slack.responses("public").get(0)).path("response_type").asText()).isEqualTo("in_channel");
        JsonNode refresh = FakeSlack.json(slack.responses("refresh").get(0));
        assertThat(refresh.path("response_type").asText()).isEqualTo("in_channel");
        assertThat(refresh.path("blocks").toString()).contains("Refresh of `shop`");
    }

    @Test
    void templatesShowTheLastRefreshAndTheNextScheduledRun() {
        front.handle(requests.command("templates", ALICE, "tpl"));
        dispatcher.runAll(front);
        String blocks = FakeSlack.json(slack.responses("tpl").get(0)).path("blocks").toString();
        assertThat(blocks).contains("last refresh 7 h 5 m ago (ready)").contains("schedule `cron(0 3 * * ? *)`").contains("next run in 17 h");
    }

    @Test
    void refusalsAreEphemeralAndSayWhatToDo() {
        port.add("shop-alice", ALICE.id());
        front.handle(requests.command("refresh shop", ALICE, "refused"));
        front.handle(requests.command("destroy shop-alice --share", BOB, "other"));
        front.handle(requests.command("show nope", ALICE, "missing"));
        dispatcher.runAll(front);

        JsonNode refused = FakeSlack.json(slack.responses("refused").get(0));
        assertThat(refused.path("response_type").asText()).isEqualTo("ephemeral");
        assertThat(refused.path("blocks").toString()).contains("Only admins may refresh templates");
        JsonNode other = FakeSlack.json(slack.responses("other").get(0));
        assertThat(other.path("response_type").asText()).as("errors stay ephemeral even with --share").isEqualTo("ephemeral");
        assertThat(other.path("blocks").toString()).contains("belongs to someone else");
        assertThat(FakeSlack.json(slack.responses("missing").get(0)).path("blocks").toString()).contains("There is no clone `nope`");
        assertThat(port.clones).containsKey("shop-alice");
    }

    @Test
    void unexpectedFailuresShowAReferenceNotTheDetails() {
        port.failNextWith(new IllegalStateException("DynamoDB table dolly: ProvisionedThroughputExceededException"));
        front.handle(requests.command("list", ALICE, "boom"));
        dispatcher.runAll(front);

        JsonNode body = FakeSlack.json(slack.responses("boom").get(0));
        assertThat(body.path("response_type").asText()).isEqualTo("ephemeral");
        assertThat(body.toString()).contains("Something went wrong").contains("reference").doesNotContain("DynamoDB");
    }

    @Test
    void listShowsOnlyTheUsersClonesWithButtons() {
        port.add("shop-alice", ALICE.id());
        port.add("shop-alice-2", ALICE.id());
        port.add("shop-bob", BOB.id());
        front.handle(requests.command("list", ALICE, "list"));
        dispatcher.runAll(front);

        String blocks = FakeSlack.json(slack.responses("list").get(0)).path("blocks").toString();
        assertThat(blocks).contains("shop-alice").contains("shop-alice-2").doesNotContain("shop-bob").contains("Your clones");
        assertThat(blocks).contains("\"block_id\":\"clone:shop-alice\"").contains("\"block_id\":\"clone:shop-alice-2\"");
    }

    // ------------------------------------------------------------------ buttons

    @Test
    void resetButtonAcksAtOnceThenResetsAndReplacesTheCard() {
        port.add("shop-alice", ALICE.id());
        SlackHttpRequest click = requests.blockAction(BlockKit.ACTION_RESET, "shop-alice", ALICE, "reset-btn", false);
        SlackHttpResponse ack = front.handle(click);
        assertThat(ack.status()).isEqualTo(200);
        assertThat(ack.body()).isEmpty();
        assertThat(port.calls).isEmpty();

        dispatcher.runAll(front);
        FakeCommandPort.Call call = port.calls.get(0);
        assertThat(call.command()).isEqualTo(new Command.Reset("shop-alice", null));
        assertThat(call.idempotencyKey()).startsWith("slack:13345224609.");
        JsonNode answer = FakeSlack.json(slack.responses("reset-btn").get(0));
        assertThat(answer.path("replace_original").asBoolean()).isTrue();
        assertThat(answer.path("response_type").asText()).isEqualTo("ephemeral");
        assertThat(answer.path("blocks").toString()).contains("back to its creation state").contains("clone:shop-alice");
    }

    @Test
    void destroyButtonDestroysAndReplacesTheCard() {
        port.add("shop-alice", ALICE.id());
        assertThat(front.handle(requests.blockAction(BlockKit.ACTION_DESTROY, "shop-alice", ALICE, "destroy-btn", false)).status()).isEqualTo(200);
        dispatcher.runAll(front);

        assertThat(port.calls.get(0).command()).isEqualTo(new Command.Destroy("shop-alice"));
        assertThat(port.clones).doesNotContainKey("shop-alice");
        JsonNode answer = FakeSlack.json(slack.responses("destroy-btn").get(0));
        assertThat(answer.path("replace_original").asBoolean()).isTrue();
        assertThat(answer.path("blocks").toString()).contains("is destroyed").doesNotContain(BlockKit.ACTION_RESET);
    }

    @Test
    void aButtonSomeoneElseClicksIsRefusedWithoutTouchingTheCard() {
        port.add("shop-alice", ALICE.id());
        front.handle(requests.blockAction(BlockKit.ACTION_DESTROY, "shop-alice", BOB, "bob-btn", false));
        dispatcher.runAll(front);

        assertThat(port.clones).containsKey("shop-alice");
        JsonNode answer = FakeSlack.json(slack.responses("bob-btn").get(0));
        assertThat(answer.path("replace_original").asBoolean()).isFalse();
        assertThat(answer.path("response_type").asText()).isEqualTo("ephemeral");
        assertThat(answer.path("blocks").toString()).contains("belongs to someone else");
    }

    @Test
    void extendButtonOpensTheDialogAndItsSubmissionExtendsTheClone() throws Exception {
        CloneInfo before = port.add("shop-alice", ALICE.id());
        SlackHttpRequest click = requests.blockAction(BlockKit.ACTION_EXTEND, "shop-alice", ALICE, "extend-btn", false);
        String triggerId = FakeSlack.json(java.net.URLDecoder.decode(click.body().substring("payload=".length()), StandardCharsets.UTF_8))
                .path("trigger_id").asText();
        assertThat(front.handle(click).status()).isEqualTo(200);
        assertThat(dispatcher.queued).as("the dialog opens within the request: trigger_id lives 3 s").isEmpty();

        List<LoggedRequest> opens = slack.api("views.open");
        assertThat(opens).hasSize(1);
        Map<String, String> form = FakeSlack.form(opens.get(0));
        assertThat(form).containsEntry("trigger_id", triggerId);
        JsonNode view = FakeSlack.json(form.get("view"));
        assertThat(view.path("type").asText()).isEqualTo("modal");
        assertThat(view.path("callback_id").asText()).isEqualTo(BlockKit.EXTEND_MODAL);
        assertThat(view.path("submit").path("text").asText()).isEqualTo("Extend");
        assertThat(view.toString()).contains("shop-alice").contains(BlockKit.EXTEND_BLOCK).contains(BlockKit.EXTEND_SELECT)
                .contains("\"value\":\"8h\"").contains("\"value\":\"1d\"");
        String metadata = view.path("private_metadata").asText();
        assertThat(FakeSlack.json(metadata).path("responseUrl").asText()).isEqualTo(requests.responseUrl("extend-btn"));

        SlackHttpResponse submitted = front.handle(requests.extendSubmission(metadata, "8h", ALICE));
        assertThat(submitted.status()).isEqualTo(200);
        assertThat(submitted.body()).isEmpty(); // closes the dialog
        dispatcher.runAll(front);

        assertThat(port.calls.get(0).command()).isEqualTo(new Command.Extend("shop-alice", Duration.ofHours(8)));
        assertThat(port.clones.get("shop-alice").expiresAt()).isEqualTo(before.expiresAt().plus(Duration.ofHours(8)));
        JsonNode answer = FakeSlack.json(slack.responses("extend-btn").get(0));
        assertThat(answer.path("replace_original").asBoolean()).isTrue();
        assertThat(answer.path("blocks").toString()).contains("lives 8 h longer").contains("(in 16 h)");
    }

    @Test
    void extendDialogWithoutAChoiceAsksAgain() throws Exception {
        port.add("shop-alice", ALICE.id());
        String metadata = "{\"cloneId\":\"shop-alice\",\"responseUrl\":null,\"fromHome\":true,\"channelId\":null,\"viewHash\":null}";
        SlackHttpResponse r = front.handle(requests.extendSubmission(metadata, null, ALICE));
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = FakeSlack.json(r.body());
        assertThat(body.path("response_action").asText()).isEqualTo("errors");
        assertThat(body.path("errors").has(BlockKit.EXTEND_BLOCK)).isTrue();
        assertThat(dispatcher.queued).isEmpty();
    }

    // ------------------------------------------------------------------ App Home

    @Test
    void appHomeListsTheUsersClonesWithButtonsUsingTheViewHash() {
        port.add("shop-alice", ALICE.id());
        port.add("shop-bob", BOB.id());
        SlackHttpResponse ack = front.handle(requests.appHomeOpened(ALICE, "1768471100.event-hash"));
        assertThat(ack.status()).isEqualTo(200);
        dispatcher.runAll(front);

        List<LoggedRequest> publishes = slack.api("views.publish");
        assertThat(publishes).hasSize(1);
        Map<String, String> form = FakeSlack.form(publishes.get(0));
        assertThat(form).containsEntry("user_id", "U0ALICE").containsEntry("hash", "1768471100.event-hash");
        JsonNode view = FakeSlack.json(form.get("view"));
        assertThat(view.path("type").asText()).isEqualTo("home");
        String blocks = view.path("blocks").toString();
        assertThat(blocks).contains("shop-alice").doesNotContain("shop-bob").contains(BlockKit.ACTION_RESET)
                .contains(BlockKit.ACTION_EXTEND).contains(BlockKit.ACTION_DESTROY).contains("\"style\":\"danger\"");
        assertThat(port.lastCall().command()).isEqualTo(new Command.ListClones(false));
    }

    @Test
    void aButtonInAppHomeActsAndRepublishesTheTabWithTheOutcome() {
        port.add("shop-alice", ALICE.id());
        port.add("shop-alice-2", ALICE.id());
        assertThat(front.handle(requests.blockAction(BlockKit.ACTION_DESTROY, "shop-alice-2", ALICE, "unused", true)).status()).isEqualTo(200);
        dispatcher.runAll(front);

        assertThat(port.commands()).contains(new Command.Destroy("shop-alice-2"));
        assertThat(slack.calls("/response/unused")).isEmpty();
        List<LoggedRequest> publishes = slack.api("views.publish");
        assertThat(publishes).hasSize(1);
        Map<String, String> form = FakeSlack.form(publishes.get(0));
        assertThat(form).containsEntry("user_id", "U0ALICE").containsEntry("hash", "1700000000.home-hash");
        String blocks = FakeSlack.json(form.get("view")).path("blocks").toString();
        assertThat(blocks).contains("`shop-alice-2` is destroyed").contains("clone:shop-alice\"").doesNotContain("clone:shop-alice-2");
    }

    @Test
    void changesMadeWithTheSlashCommandRepublishAppHomeWithTheLastHash() {
        front.handle(requests.appHomeOpened(ALICE, "1768471100.event-hash"));
        dispatcher.runAll(front);
        front.handle(requests.command("create shop", ALICE, "c"));
        dispatcher.runAll(front);

        List<LoggedRequest> publishes = slack.api("views.publish");
        assertThat(publishes).hasSize(2);
        Map<String, String> second = FakeSlack.form(publishes.get(1));
        assertThat(second).containsEntry("user_id", "U0ALICE").containsEntry("hash", "1768471201.published");
        assertThat(FakeSlack.json(second.get("view")).path("blocks").toString()).contains("shop-alice");
        assertThat(second.get("view")).as("no credentials in App Home").doesNotContain(port.passwords.get(0));

        front.handle(requests.command("templates", ALICE, "t"));
        dispatcher.runAll(front);
        assertThat(slack.api("views.publish")).as("read-only commands do not republish").hasSize(2);
    }

    @Test
    void aHashConflictRepublishesAFreshList() {
        slack.server.stubFor(post(urlPathEqualTo("/api/views.publish")).inScenario("conflict").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":false,\"error\":\"hash_conflict\"}"))
                .willSetStateTo("second"));
        slack.server.stubFor(post(urlPathEqualTo("/api/views.publish")).inScenario("conflict").whenScenarioStateIs("second")
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":true,\"view\":{\"id\":\"V0HOME\",\"hash\":\"1768471300.after\"}}")));
        front.handle(requests.appHomeOpened(ALICE, "stale-hash"));
        dispatcher.runAll(front);

        List<LoggedRequest> publishes = slack.api("views.publish");
        assertThat(publishes).hasSize(2);
        assertThat(FakeSlack.form(publishes.get(0))).containsEntry("hash", "stale-hash");
        assertThat(FakeSlack.form(publishes.get(1))).doesNotContainKey("hash");
    }

    // ------------------------------------------------------------------ notifier

    @Test
    void refreshProgressUpdatesOneMessageInPlaceAndTheOutcomeIsPostedToTheTemplatesChannel() {
        var notifier = front.notifier();
        notifier.refreshProgress(new CommandResult.RefreshInfo("shop", "job-7", "running", "copy", 3, 12, 120_000, 90L, null, null));
        notifier.refreshProgress(new CommandResult.RefreshInfo("shop", "job-7", "running", "copy", 9, 12, 980_000, 20L, null, null));
        notifier.refreshProgress(new CommandResult.RefreshInfo("shop", "job-7", "running", "post-data", 12, 12, 1_200_000, 5L, null, null));

        List<LoggedRequest> posts = slack.api("chat.postMessage");
        assertThat(posts).hasSize(1);
        Map<String, String> first = FakeSlack.form(posts.get(0));
        assertThat(first).containsEntry("channel", "#shop-refresh");
        assertThat(first.get("blocks")).contains("Refresh of `shop`").contains("3/12 tables").contains("120,000 rows");
        List<LoggedRequest> updates = slack.api("chat.update");
        assertThat(updates).hasSize(2);
        for (LoggedRequest u : updates) {
            assertThat(FakeSlack.form(u)).containsEntry("channel", "C0DOLLY").containsEntry("ts", "1768471200.000100");
        }
        assertThat(FakeSlack.form(updates.get(1)).get("blocks")).contains("post-data").contains("12/12 tables");

        notifier.refreshFinished(new CommandResult.RefreshInfo("shop", "job-7", "succeeded", "done", 12, 12, 1_200_000, null,
                "20260115-1000", null));
        assertThat(slack.api("chat.update")).hasSize(3);
        assertThat(FakeSlack.form(slack.api("chat.update").get(2)).get("blocks")).contains("finished").contains("20260115-1000");
        List<LoggedRequest> after = slack.api("chat.postMessage");
        assertThat(after).hasSize(2);
        assertThat(FakeSlack.form(after.get(1))).containsEntry("channel", "#shop-refresh");
        assertThat(FakeSlack.form(after.get(1)).get("blocks")).contains(":white_check_mark:").contains("20260115-1000");
    }

    @Test
    void aFailedRefreshIsPostedToTheChannelSayingThePreviousSnapshotServes() {
        front.notifier().refreshFinished(new CommandResult.RefreshInfo("other", "job-9", "failed", "guard", 0, 0, 0, null, null,
                "system_identifier of the source changed"));
        List<LoggedRequest> posts = slack.api("chat.postMessage");
        assertThat(posts).hasSize(1);
        Map<String, String> form = FakeSlack.form(posts.get(0));
        assertThat(form).containsEntry("channel", "#dolly"); // no channel of its own: the default
        assertThat(form.get("blocks")).contains("failed").contains("system_identifier").contains("previous snapshot keeps serving");
        assertThat(slack.api("chat.update")).isEmpty();
    }

    @Test
    void expiryWarningsAreDirectMessagesToTheOwnerWithTheCloneButtons() {
        CloneInfo clone = port.add("shop-alice", ALICE.id());
        Instant expires = clock.instant().plus(Duration.ofMinutes(30));
        front.notifier().expiryWarning(ALICE.id(), clone, expires);
        front.notifier().expiryWarning("ci-github-actions", clone, expires);

        List<LoggedRequest> posts = slack.api("chat.postMessage");
        assertThat(posts).hasSize(1);
        Map<String, String> form = FakeSlack.form(posts.get(0));
        assertThat(form).containsEntry("channel", "U0ALICE");
        assertThat(FakeSlack.json(form.get("blocks")).toString()).contains("expires").contains("in 30 m").contains("<!date^" + expires.getEpochSecond())
                .contains(BlockKit.ACTION_EXTEND);
        assertThat(form.get("text")).contains("shop-alice");
    }

    @Test
    void notificationsSurviveSlackBeingDown() {
        slack.server.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(aResponse().withStatus(503)));
        front.notifier().refreshFinished(new CommandResult.RefreshInfo("shop", "j", "failed", null, 0, 0, 0, null, null, "boom"));
        front.notifier().expiryWarning(ALICE.id(), port.add("x", ALICE.id()), clock.instant());
        // no exception reaches the control plane
    }

    // ------------------------------------------------------------------ helpers

    private static void assertNoPassword(String body, String password) {
        assertThat(body).doesNotContain(password).doesNotContain(BlockKit.esc(password))
                .doesNotContain(URLEncoder.encode(password, StandardCharsets.UTF_8)).doesNotContain("Password for");
    }

    private static JsonNode actionsBlock(JsonNode message) {
        for (JsonNode b : message.path("blocks")) if (b.path("type").asText().equals("actions")) return b;
        throw new AssertionError("no actions block in " + message);
    }

    private static Map<String, JsonNode> buttons(JsonNode actions) {
        Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
        for (JsonNode e : actions.path("elements")) out.put(e.path("action_id").asText(), e);
        return out;
    }

}
