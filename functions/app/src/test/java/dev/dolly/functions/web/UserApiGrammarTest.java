package dev.dolly.functions.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandPort;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.Harness;
import dev.dolly.slack.grammar.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Slack grammar's shared cases ({@code slack-app}'s {@code grammar/cases.tsv}, also read by its GrammarTest), sent
 * as the {@code dolly} CLI sends them: the words to {@code POST /api/v1/commands} with a personal token of the same
 * user. Each means on this front what it means in Slack: the same command reaches the command port, or the same
 * refusal comes back.
 */
class UserApiGrammarTest {
    static final Path CASES = Path.of("../../slack-app/src/test/resources/dev/dolly/slack/grammar/cases.tsv");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theUserApiReadsTheSlackGrammarsCasesAlike() throws Exception {
        try (Harness h = new Harness(Harness.yaml(""))) {
            CommandResult.TokenIssued t = (CommandResult.TokenIssued) h.service.execute(Principal.slackUser("U0ALICE", Set.of()), Front.SLACK,
                    new Command.TokenIssue(Duration.ofHours(1), "alice"));
            List<Command> received = new ArrayList<>();
            CommandPort port = (principal, front, command, key) -> {
                assertThat(principal.id()).isEqualTo("U0ALICE");
                assertThat(front).isEqualTo(Front.API);
                received.add(command);
                return new CommandResult.Done("ok");
            };
            UserApi api = new UserApi(port, h.service.tokens(), u -> Set.of());
            int cases = 0;
            for (String line : Files.readAllLines(CASES)) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] c = line.split("\t", 2);
                StringBuilder args = new StringBuilder("{\"args\":[");
                List<String> words = Tokenizer.split(c[0]);
                for (int i = 0; i < words.size(); i++) args.append(i == 0 ? "" : ",").append(JSON.writeValueAsString(words.get(i)));
                HttpAnswer a = api.handle(new HttpCall("POST", "/api/v1/commands", Map.of("Authorization", "Bearer " + t.token()),
                        args.append("]}").toString().getBytes()));
                JsonNode body = JSON.readTree(a.body());
                if (c[1].equals("help")) {
                    assertThat(body.has("help")).as(c[0]).isTrue();
                } else if (c[1].startsWith("invalid: ")) {
                    assertThat(a.status()).as(c[0]).isEqualTo(400);
                    assertThat(body.get("message").asText()).as(c[0]).startsWith(c[1].substring("invalid: ".length()));
                } else {
                    assertThat(a.status()).as(c[0] + ": " + a.body()).isEqualTo(200);
                    assertThat(received.get(received.size() - 1).toString()).as(c[0]).isEqualTo(c[1]);
                }
                cases++;
            }
            assertThat(cases).isGreaterThan(25);
        }
    }
}
