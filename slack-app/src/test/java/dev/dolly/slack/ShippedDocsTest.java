package dev.dolly.slack;

import dev.dolly.slack.grammar.DollyGrammar;
import dev.dolly.slack.grammar.Grammar;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The manifest and README that ship with the module match what the code does. */
class ShippedDocsTest {
    @Test
    void readmeListsEveryCommandAsTheGrammarDefinesIt() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Grammar g = DollyGrammar.create("/dolly");
        g.verbs().forEach(v -> assertThat(readme).contains("| `" + g.usage(v) + "` | " + v.summary() + " |"));
    }

    @Test
    void manifestDeclaresTheCommandTheRequestUrlsTheHomeTabAndTheScopesUsed() throws Exception {
        String manifest = Files.readString(Path.of("manifest.yml"));
        assertThat(manifest).contains("command: " + SlackSettings.DEFAULT_COMMAND);
        assertThat(manifest.split("https://dolly.example.com" + SlackFront.EVENTS_PATH, -1)).hasSize(4); // command, events, interactivity
        assertThat(manifest).contains("home_tab_enabled: true").contains("- app_home_opened").contains("is_enabled: true");
        for (String scope : new String[]{"commands", "chat:write", "chat:write.public", "usergroups:read"}) {
            assertThat(manifest).containsPattern("(?m)^\\s+- " + java.util.regex.Pattern.quote(scope) + "\\s");
        }
    }
}
