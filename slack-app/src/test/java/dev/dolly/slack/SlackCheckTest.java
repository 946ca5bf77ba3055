package dev.dolly.slack;

import static dev.dolly.slack.SlackRequests.ALICE;
import static dev.dolly.slack.SlackRequests.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.dolly.control.api.Command;
import dev.dolly.slack.blocks.CheckBlocks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The migration check in Slack (issue 14): `/dolly check <template>` opens a dialog for SQL; finished checks post a card. */
class SlackCheckTest {
    static FakeSlack slack;
    MutableClock clock;
    FakeCommandPort port;
    QueueDispatcher dispatcher;
    SlackFront front;
    SlackRequests requests;

    @BeforeAll
    static void startSlack() { slack = new FakeSlack(); }

    @AfterAll
    static void stopSlack() { slack.close(); }

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

    @Test
    void checkOpensADialogAndItsSubmissionRunsTheFilesModeCheck() throws Exception {
        SlackHttpResponse acked = front.handle(requests.command("check shop --keep", ALICE, "check-1"));
        assertThat(acked.status()).isEqualTo(200);
        assertThat(acked.body()).contains("Paste the migration in the dialog");
        assertThat(dispatcher.queued).as("nothing runs until the SQL is submitted").isEmpty();
        List<LoggedRequest> opens = slack.api("views.open");
        assertThat(opens).hasSize(1);
        JsonNode view = FakeSlack.json(FakeSlack.form(opens.get(0)).get("view"));
        assertThat(view.path("callback_id").asText()).isEqualTo(CheckBlocks.CHECK_MODAL);
        assertThat(view.toString()).contains(CheckBlocks.SQL_BLOCK).contains("\"multiline\":true").contains("\"max_length\":3000")
                .contains("`shop`");
        String metadata = view.path("private_metadata").asText();
        assertThat(FakeSlack.json(metadata).path("template").asText()).isEqualTo("shop");
        assertThat(FakeSlack.json(metadata).path("keep").asBoolean()).isTrue();

        String sql = "CREATE INDEX orders_customer_idx ON orders (customer_id);\n-- second line \"quoted\"\nSELECT 1;";
        SlackHttpResponse submitted = front.handle(requests.checkSubmission(metadata, "V7__orders.sql", sql, ALICE));
        assertThat(submitted.status()).isEqualTo(200);
        assertThat(submitted.body()).isEmpty(); // closes the dialog
        assertThat(dispatcher.queued.get(0).describe()).as("logs never carry the SQL").isEqualTo("check by U0ALICE: check shop --keep");
        dispatcher.runAll(front);

        assertThat(port.commands()).containsExactly(new Command.Check("shop", List.of(new Command.MigrationFile("V7__orders.sql", sql)),
                null, true, true));
        assertThat(port.lastCall().idempotencyKey()).startsWith("slack:");
        JsonNode answer = FakeSlack.json(slack.responses("check-1").get(0));
        assertThat(answer.path("response_type").asText()).isEqualTo("ephemeral");
        assertThat(answer.path("blocks").toString()).contains("Migration check of `shop`: fail").contains("require-concurrent-index-creation")
                .contains("clone `shop-check-0123456789ab` kept");
    }

    @Test
    void aDialogWithoutSqlAsksForIt() throws Exception {
        String metadata = "{\"template\":\"shop\",\"keep\":false,\"channelId\":\"C0DEV\",\"responseUrl\":null}";
        SlackHttpResponse r = front.handle(requests.checkSubmission(metadata, "x.sql", "  \n ", ALICE));
        JsonNode body = FakeSlack.json(r.body());
        assertThat(body.path("response_action").asText()).isEqualTo("errors");
        assertThat(body.path("errors").path(CheckBlocks.SQL_BLOCK).asText()).isEqualTo("Paste the SQL to check.");
        assertThat(dispatcher.queued).isEmpty();
    }

    @Test
    void anUnknownTemplateIsRefusedByTheGrammarOrThePortNotByOpeningADialog() {
        SlackHttpResponse r = front.handle(requests.command("check", ALICE, "check-2"));
        assertThat(r.body()).doesNotContain("Paste the migration");
        assertThat(slack.api("views.open")).isEmpty();
    }

    @Test
    void aFinishedCheckPostsItsCardToTheTemplatesChannelOrTheCiKeys() {
        front.notifier().checkFinished(FakeCommandPort.checkResult("shop", false), null);
        front.notifier().checkFinished(FakeCommandPort.checkResult("shop", false), "#ci-checks");
        List<LoggedRequest> posts = slack.api("chat.postMessage");
        assertThat(posts).hasSize(2);
        Map<String, String> card = FakeSlack.form(posts.get(0));
        assertThat(card).containsEntry("channel", "#shop-refresh");
        assertThat(card.get("text")).isEqualTo("Migration check of shop: fail (4 findings)");
        String blocks = card.get("blocks");
        assertThat(blocks).contains(":x: *Migration check of `shop`: fail* — 4 findings")
                .contains("`require-concurrent-index-creation` at V7.sql:1 on `orders` (ShareLock held 4.3 s), blocked queries up to 4.2 s (37)")
                .contains("`statement-error`").contains("`require-lock-timeout`").contains("No lock_timeout").doesNotContain("<set>")
                .contains("migration 5.2 s · clone 700 ms · request to report 6.4 s").contains("clone destroyed");
        assertThat(blocks.indexOf("require-concurrent-index-creation")).isLessThan(blocks.indexOf("statement-error"));
        assertThat(FakeSlack.form(posts.get(1))).containsEntry("channel", "#ci-checks");
    }
}
