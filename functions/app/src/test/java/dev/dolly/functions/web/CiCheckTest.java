package dev.dolly.functions.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dolly.agent.api.CheckRequest;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.control.api.Notifier;
import dev.dolly.functions.FakeCheckAgent;
import dev.dolly.functions.Harness;
import dev.dolly.functions.MutableClock;
import dev.dolly.functions.agent.AgentClients;
import dev.dolly.functions.store.AuditItem;
import dev.dolly.functions.store.CheckItem;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The migration check through the CI webhook (issue 14) against a fake agent: files mode and observe mode end to end in
 * the control plane (clone, start, poll, render, destroy, record, card), bad input, thresholds, waits that run out.
 */
class CiCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private FakeCheckAgent agent;
    private Harness h;
    private final List<CommandResult.CheckResult> cards = new CopyOnWriteArrayList<>();
    private final List<String> channels = new CopyOnWriteArrayList<>();
    private int keys;

    @BeforeEach
    void setUp() throws Exception {
        agent = new FakeCheckAgent();
        String yaml = Harness.yaml(agent.hostsYaml())
                .replace("    description: Demo shop\n", "    description: Demo shop\n    check: { thresholds: { failBlocked: 2s, warnRewrite: 50m } }\n")
                .replace("  - { id: ci-dev2, secret: dev2-secret }",
                        "  - { id: ci-dev2, secret: dev2-secret, check: { thresholds: { failBlocked: 500ms }, slackChannel: '#ci-checks' } }");
        h = new Harness(yaml, MutableClock.systemNow(), AgentClients.Settings.defaults());
        h.seedHealthyHost("h1", "shop");
        h.service.checks().pacing(ms -> h.clock.advance(Duration.ofMillis(ms)), Duration.ofSeconds(1), Duration.ofSeconds(30));
        h.notifier(new Notifier() {
            public void refreshProgress(CommandResult.RefreshInfo r) {}
            public void refreshFinished(CommandResult.RefreshInfo r) {}
            public void expiryWarning(String o, dev.dolly.control.api.CloneInfo c, java.time.Instant at) {}
            @Override
            public void checkFinished(CommandResult.CheckResult check, String channel) {
                cards.add(check);
                channels.add(channel == null ? "(template's)" : channel);
            }
        });
    }

    @AfterEach
    void tearDown() {
        h.close();
        agent.close();
    }

    private HttpAnswer post(String key, String secret, String body) {
        return h.webhook.handle(Signed.call(key, secret, h.clock.instant().getEpochSecond(), body, "k" + (++keys)));
    }

    private HttpAnswer dev(String body) {
        return post("ci-dev", "dev-secret", body);
    }

    private static String files(String extra) {
        ObjectNode o = JSON.createObjectNode();
        o.put("action", "check");
        o.put("template", "shop");
        ArrayNode m = o.putArray("migrations");
        m.addObject().put("name", "V7__orders_index.sql").put("sql", "CREATE INDEX orders_customer_idx ON orders (customer_id);");
        m.addObject().put("name", "V8__unique_email.sql").put("sql", "CREATE UNIQUE INDEX customers_email_key ON customers (email);");
        String s = o.toString();
        return extra.isEmpty() ? s : s.substring(0, s.length() - 1) + "," + extra + "}";
    }

    private static JsonNode body(HttpAnswer a) throws Exception {
        return JSON.readTree(a.body());
    }

    @Test
    void filesModeClonesRunsWaitsRendersDestroysAndRecords() throws Exception {
        agent.pollsUntilDone = 3;
        HttpAnswer a = dev(files(""));
        JsonNode b = body(a);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        String id = b.get("check").asText();
        assertThat(id).matches("chk-[0-9a-f]{12}");
        assertThat(b.get("verdict").asText()).isEqualTo("fail");
        assertThat(b.get("state").asText()).isEqualTo("DONE");
        assertThat(b.get("durationMs").asLong()).isEqualTo(5200);
        assertThat(b.get("findings")).hasSize(3);
        assertThat(b.get("findings").get(0).get("rule").asText()).isEqualTo("require-lock-timeout"); // as the agent sent them
        assertThat(b.get("statements")).hasSize(2);
        assertThat(b.get("statements").get(1).get("error").get("sqlstate").asText()).isEqualTo("23505");
        assertThat(b.get("markdown").asText()).startsWith("❌ **Dolly migration check: fail**");
        assertThat(b.get("junit").asText()).startsWith("<?xml").contains("<testcase");
        assertThat(a.body()).as("never a row value").doesNotContain("ann@example.com");
        assertThat(b.get("kept").asBoolean()).isFalse();
        assertThat(b.get("clone").asText()).isEqualTo("shop-check-" + id.substring(4));
        assertThat(b.has("password")).isFalse();

        // the agent: one clone, one files-mode check with the migrations in order and the template's thresholds, polled
        assertThat(agent.creates).hasSize(1);
        CheckRequest req = agent.checks.get(0);
        assertThat(req.checkId()).isEqualTo(id);
        assertThat(req.mode()).isEqualTo("files");
        assertThat(req.migrations()).extracting(CheckRequest.Migration::name).containsExactly("V7__orders_index.sql", "V8__unique_email.sql");
        assertThat(req.thresholds()).isEqualTo(new CheckRequest.Thresholds(2000, 50L << 20));
        assertThat(req.probe()).isNull();
        assertThat(agent.polls.get()).isEqualTo(3);
        assertThat(agent.unsigned.get()).isZero();
        // the clone is gone, the check recorded and audited, the card posted to the template's channel
        assertThat(agent.destroyed).containsExactly(b.get("clone").asText());
        assertThat(h.store.clone(b.get("clone").asText())).isNull();
        CheckItem item = h.store.check(id);
        assertThat(item.getState()).isEqualTo("DONE");
        assertThat(item.getVerdict()).isEqualTo("fail");
        assertThat(item.getPrincipal()).isEqualTo("ci:ci-dev");
        assertThat(item.getHostName()).isEqualTo("h1");
        assertThat(item.getTemplate()).isEqualTo("shop");
        assertThat(item.getTotalMs()).isGreaterThanOrEqualTo(2000); // three polls, a second apart on the test clock
        assertThat(h.store.auditOf("check:" + id)).extracting(AuditItem::getOutcome).containsExactly("started", "done");
        assertThat(cards).hasSize(1);
        assertThat(cards.get(0).worst()).extracting(CommandResult.CheckFinding::rule)
                .containsExactly("require-concurrent-index-creation", "statement-error", "require-lock-timeout");
        assertThat(channels).containsExactly("(template's)");

        // check-finish of a finished check answers the same report again
        JsonNode again = body(dev("{\"action\":\"check-finish\",\"check\":\"" + id + "\"}"));
        assertThat(again.get("verdict").asText()).isEqualTo("fail");
        assertThat(again.get("markdown").asText()).isEqualTo(b.get("markdown").asText());
        assertThat(agent.creates).hasSize(1);
    }

    @Test
    void keepKeepsTheCloneForInvestigation() throws Exception {
        JsonNode b = body(dev(files("\"keep\":true")));
        assertThat(b.get("kept").asBoolean()).isTrue();
        assertThat(agent.destroyed).isEmpty();
        assertThat(h.store.clone(b.get("clone").asText())).isNotNull();
        assertThat(b.get("markdown").asText()).contains("was kept for investigation");
        assertThat(b.get("message").asText()).contains("kept for investigation");
    }

    @Test
    void observeModeAnswersTheConnectionThenTheReport() throws Exception {
        HttpAnswer started = dev("{\"action\":\"check-start\",\"template\":\"shop\",\"wait\":true}");
        JsonNode s = body(started);
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        String id = s.get("check").asText();
        assertThat(s.get("password").asText()).startsWith("pw-shop-check-");
        assertThat(s.get("connectionString").asText()).startsWith("postgresql://dolly@localhost:");
        assertThat(s.get("state").asText()).isEqualTo("READY");
        assertThat(s.get("checkState").asText()).isEqualTo("OBSERVING");
        assertThat(agent.checks.get(0).mode()).isEqualTo("observe");
        assertThat(agent.checks.get(0).migrations()).isEmpty();
        assertThat(agent.destroyed).isEmpty();

        HttpAnswer done = dev("{\"action\":\"check-finish\",\"check\":\"" + id + "\"}");
        JsonNode d = body(done);
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(agent.finished).containsExactly(id);
        assertThat(d.get("verdict").asText()).isEqualTo("fail");
        assertThat(d.get("mode").asText()).isEqualTo("observe");
        assertThat(d.get("markdown").asText()).startsWith("❌");
        assertThat(agent.destroyed).containsExactly(s.get("clone").asText());
        assertThat(cards).hasSize(1);
    }

    @Test
    void someoneElsesCheckCannotBeFinished() throws Exception {
        String id = body(dev("{\"action\":\"check-start\",\"template\":\"shop\"}")).get("check").asText();
        HttpAnswer other = post("ci-dev2", "dev2-secret", "{\"action\":\"check-finish\",\"check\":\"" + id + "\"}");
        assertThat(other.status()).isEqualTo(403);
        assertThat(agent.finished).isEmpty();
        HttpAnswer admin = post("ci-admin", "admin-secret", "{\"action\":\"check-finish\",\"check\":\"" + id + "\"}");
        assertThat(admin.status()).isEqualTo(200);
    }

    @Test
    void badInputGetsAnErrorThatSaysWhatToDo() throws Exception {
        HttpAnswer none = dev("{\"action\":\"check\",\"template\":\"shop\"}");
        assertThat(none.status()).isEqualTo(400);
        assertThat(body(none).get("field").asText()).isEqualTo("migrations");
        assertThat(body(none).get("message").asText()).contains("check-start");

        HttpAnswer empty = dev("{\"action\":\"check\",\"template\":\"shop\",\"migrations\":[]}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(body(empty).get("message").asText()).contains("nothing to check").contains("--file");

        HttpAnswer blank = dev("{\"action\":\"check\",\"template\":\"shop\",\"migrations\":[{\"name\":\"V1.sql\",\"sql\":\"  \"}]}");
        assertThat(body(blank).get("message").asText()).isEqualTo("migrations: V1.sql is empty; nothing to check in it.");

        HttpAnswer unknown = dev(files("").replace("\"shop\"", "\"shp\""));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(body(unknown).get("message").asText()).startsWith("template: there is no template 'shp'. Templates: ");
        assertThat(body(unknown).get("field").asText()).isEqualTo("template");

        HttpAnswer noTemplate = dev("{\"action\":\"check-start\"}");
        assertThat(noTemplate.status()).isEqualTo(400);
        assertThat(body(noTemplate).get("field").asText()).isEqualTo("template");

        HttpAnswer keep = dev(files("\"keep\":\"yes\""));
        assertThat(body(keep).get("message").asText()).isEqualTo("keep: must be true or false.");

        HttpAnswer finish = dev("{\"action\":\"check-finish\"}");
        assertThat(body(finish).get("field").asText()).isEqualTo("check");
        HttpAnswer missing = dev("{\"action\":\"check-finish\",\"check\":\"chk-000000000000\"}");
        assertThat(missing.status()).isEqualTo(404);

        HttpAnswer noKey = h.webhook.handle(Signed.call("ci-dev", "dev-secret", h.clock.instant().getEpochSecond(), files(""), null));
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(body(noKey).get("field").asText()).isEqualTo("Idempotency-Key");

        HttpAnswer viewer = post("ci-view", "view-secret", files(""));
        assertThat(viewer.status()).isEqualTo(403);
        assertThat(body(viewer).get("message").asText()).contains("run migration checks on template 'shop'").contains("developer");

        assertThat(agent.creates).as("nothing was cloned").isEmpty();
    }

    @Test
    void aCiKeysThresholdsAndChannelWinOverTheTemplates() throws Exception {
        HttpAnswer a = post("ci-dev2", "dev2-secret", files(""));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(agent.checks.get(0).thresholds()).isEqualTo(new CheckRequest.Thresholds(500, 50L << 20));
        assertThat(channels).containsExactly("#ci-checks");
    }

    @Test
    void theDefaultsApplyWhereNothingIsWritten() {
        assertThat(dev.dolly.functions.service.MigrationChecksAccess.thresholds(h, "crm"))
                .isEqualTo(CheckRequest.Thresholds.DEFAULTS);
    }

    @Test
    void aWaitThatRunsOutAnswersTheIdAndCheckFinishWaitsForTheReport() throws Exception {
        agent.pollsUntilDone = 100;
        h.service.checks().pacing(ms -> h.clock.advance(Duration.ofMillis(ms)), Duration.ofSeconds(1), Duration.ofSeconds(3));
        HttpAnswer a = dev(files(""));
        JsonNode b = body(a);
        assertThat(a.status()).as(a.body()).isEqualTo(202);
        assertThat(b.get("state").asText()).isEqualTo("RUNNING");
        assertThat(b.get("message").asText()).contains("still running after 3s").contains("check-finish " + b.get("check").asText());
        assertThat(agent.polls.get()).as("polled every second of the wait").isEqualTo(4);
        assertThat(agent.destroyed).isEmpty();

        agent.pollsUntilDone = 0;
        JsonNode d = body(dev("{\"action\":\"check-finish\",\"check\":\"" + b.get("check").asText() + "\"}"));
        assertThat(d.get("verdict").asText()).isEqualTo("fail");
        assertThat(agent.destroyed).hasSize(1);
    }

    @Test
    void theReaperFinishesACheckNobodyWaitsFor() throws Exception {
        agent.pollsUntilDone = 100;
        String id = body(dev(files("\"wait\":false"))).get("check").asText();
        assertThat(h.store.openChecks()).extracting(CheckItem::getId).containsExactly(id);
        assertThat(h.service.checks().sweep()).as("too young: its CI job may still ask").isEmpty();

        h.clock.advance(Duration.ofMinutes(16));
        assertThat(h.service.checks().sweep()).as("the agent has no report yet").isEmpty();
        agent.pollsUntilDone = 0;
        assertThat(h.service.checks().sweep()).containsExactly(id);
        CheckItem item = h.store.check(id);
        assertThat(item.getState()).isEqualTo("DONE");
        assertThat(item.getVerdict()).isEqualTo("fail");
        assertThat(agent.destroyed).containsExactly(item.getCloneId());
        assertThat(cards).hasSize(1);
        assertThat(h.store.openChecks()).as("an ended check leaves the open checks' index").isEmpty();
        assertThat(h.store.auditOf("check:" + id)).extracting(AuditItem::getPrincipal).containsExactly("ci:ci-dev", "scheduler");
        // a late check-finish gets the report the reaper recorded
        assertThat(body(dev("{\"action\":\"check-finish\",\"check\":\"" + id + "\"}")).get("verdict").asText()).isEqualTo("fail");
    }

    @Test
    void anObservedCheckNobodyFinishedEndsWithItsClone() throws Exception {
        JsonNode s = body(dev("{\"action\":\"check-start\",\"template\":\"shop\"}"));
        String id = s.get("check").asText();
        h.clock.advance(Duration.ofMinutes(16));
        assertThat(h.service.checks().sweep()).isEmpty();
        assertThat(h.store.check(id).getState()).as("its clone still lives: the job may still finish it").isEqualTo("OBSERVING");
        dev("{\"action\":\"destroy\",\"clone\":\"" + s.get("clone").asText() + "\"}");
        h.service.checks().sweep();
        CheckItem item = h.store.check(id);
        assertThat(item.getState()).isEqualTo("FAILED");
        assertThat(item.getError()).contains("is gone");
        assertThat(h.store.openChecks()).isEmpty();
    }

    @Test
    void aCheckTheAgentLostToARestartFailsClearlyAndEnds() throws Exception {
        agent.pollsUntilDone = 100;
        agent.restartAtPoll = 2;
        HttpAnswer a = dev(files(""));
        JsonNode b = body(a);
        String id = b.get("check").asText();
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(b.get("state").asText()).isEqualTo("FAILED");
        assertThat(b.get("error").asText()).contains("restarted during check " + id).contains("run the check again");
        assertThat(b.has("verdict")).isFalse();
        assertThat(agent.destroyed).containsExactly(b.get("clone").asText());
        assertThat(h.store.check(id).getState()).isEqualTo("FAILED");
        assertThat(h.store.openChecks()).as("not left open").isEmpty();
        assertThat(cards).extracting(CommandResult.CheckResult::state).containsExactly("FAILED");
    }

    @Test
    void checkFinishOfAnObservedCheckTheAgentLostSaysSoAndEndsIt() throws Exception {
        JsonNode s = body(dev("{\"action\":\"check-start\",\"template\":\"shop\",\"wait\":true}"));
        String id = s.get("check").asText();
        agent.restart();
        HttpAnswer a = dev("{\"action\":\"check-finish\",\"check\":\"" + id + "\"}");
        JsonNode b = body(a);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(b.get("state").asText()).isEqualTo("FAILED");
        assertThat(b.get("error").asText()).contains("restarted during check " + id).contains("run the check again");
        assertThat(agent.destroyed).containsExactly(s.get("clone").asText());
        assertThat(h.store.openChecks()).isEmpty();
        // asked again, the same answer
        assertThat(body(dev("{\"action\":\"check-finish\",\"check\":\"" + id + "\"}")).get("error").asText())
                .contains("restarted during check " + id);
    }

    @Test
    void theReaperEndsChecksTheAgentLostWhileTheirClonesLive() throws Exception {
        agent.pollsUntilDone = 100;
        String running = body(dev(files("\"wait\":false"))).get("check").asText();
        String observed = body(dev("{\"action\":\"check-start\",\"template\":\"shop\",\"keep\":true}")).get("check").asText();
        agent.restart();
        h.clock.advance(Duration.ofMinutes(16));
        assertThat(h.service.checks().sweep()).containsExactlyInAnyOrder(running, observed);
        for (String id : List.of(running, observed)) {
            CheckItem item = h.store.check(id);
            assertThat(item.getState()).isEqualTo("FAILED");
            assertThat(item.getError()).contains("restarted during check " + id);
        }
        assertThat(h.store.openChecks()).isEmpty();
        assertThat(agent.destroyed).as("the kept one stays for investigation").containsExactly(h.store.check(running).getCloneId());
    }

    @Test
    void aSlackRetryOfTheSameDialogRunsTheCheckOnce() {
        Principal user = Principal.slackUser("UDEV", java.util.Set.of());
        Command.Check c = new Command.Check("shop", List.of(new Command.MigrationFile("V1.sql", "SELECT 1;")), null, false, true);
        var first = (CommandResult.CheckResult) h.service.execute(user, Front.SLACK, c, "slack:trigger-1");
        var again = (CommandResult.CheckResult) h.service.execute(user, Front.SLACK, c, "slack:trigger-1");
        assertThat(again.check()).isEqualTo(first.check());
        assertThat(again.verdict()).isEqualTo("fail");
        assertThat(again.worst()).hasSize(3);
        assertThat(agent.checks).hasSize(1);
        assertThat(h.store.check(first.check()).getPrincipal()).isEqualTo("slack:UDEV");
    }

    @Test
    void noWaitAnswersAtOnce() throws Exception {
        HttpAnswer a = dev(files("\"wait\":false"));
        assertThat(a.status()).isEqualTo(202);
        assertThat(agent.polls.get()).isZero();
    }

    @Test
    void anAgentThatRefusesTheCheckLeavesNoClone() throws Exception {
        agent.refuseStart = ErrorCode.INVALID_REQUEST;
        HttpAnswer a = dev(files(""));
        assertThat(a.status()).isEqualTo(400);
        assertThat(body(a).get("message").asText()).contains("refused by the fake agent");
        assertThat(agent.destroyed).hasSize(1);
        assertThat(h.store.allClones()).isEmpty();
    }

    @Test
    void aCheckThatCouldNotRunSaysWhyAndLeavesNoClone() throws Exception {
        agent.failWith = "the clone's server did not start";
        JsonNode b = body(dev(files("")));
        assertThat(b.get("state").asText()).isEqualTo("FAILED");
        assertThat(b.get("error").asText()).isEqualTo("the clone's server did not start");
        assertThat(b.has("verdict")).isFalse();
        assertThat(agent.destroyed).hasSize(1);
    }

    @Test
    void aRetriedDeliveryGetsTheFirstAnswerAndStartsNothing() throws Exception {
        long ts = h.clock.instant().getEpochSecond();
        HttpAnswer first = h.webhook.handle(Signed.call("ci-dev", "dev-secret", ts, files(""), "same"));
        HttpAnswer retry = h.webhook.handle(Signed.call("ci-dev", "dev-secret", ts + 1, files(""), "same"));
        assertThat(retry.status()).isEqualTo(first.status());
        assertThat(body(retry).get("check").asText()).isEqualTo(body(first).get("check").asText());
        assertThat(retry.headers().get(CiAnswers.REPLAYED)).isEqualTo("true");
        assertThat(agent.checks).hasSize(1);
    }

    @Test
    void aRetriedCheckStartGetsTheConnectionAgainSealed() throws Exception {
        long ts = h.clock.instant().getEpochSecond();
        String start = "{\"action\":\"check-start\",\"template\":\"shop\"}";
        HttpAnswer first = h.webhook.handle(Signed.call("ci-dev", "dev-secret", ts, start, "s1"));
        HttpAnswer retry = h.webhook.handle(Signed.call("ci-dev", "dev-secret", ts + 1, start, "s1"));
        assertThat(body(retry).get("password").asText()).isEqualTo(body(first).get("password").asText());
        assertThat(agent.creates).hasSize(1);
    }
}
