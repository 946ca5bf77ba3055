package dev.dolly.functions.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.agent.config.AgentConfig;
import dev.dolly.infra.FunctionsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent, the functions and infra (synthesis of the functions' DOLLY_CONFIG_YAML) fed the same dolly.yaml:
 * they accept the same files, read the same values, and refuse the same bad ones naming the same YAML path.
 */
class ConfigAgreementTest {
    private static AgentConfig agent(String yaml) {
        return dev.dolly.agent.config.ConfigLoader.parse(yaml, null, Map.of());
    }

    private static DollyConfig functions(String yaml) {
        return ConfigLoader.fromYaml(yaml);
    }

    private static String infra(String yaml) {
        return FunctionsConfig.fromYaml(yaml, "ops.yaml");
    }

    @Test
    void theShippedConfigIsReadAlikeByEveryComponent() throws IOException {
        String yaml = Files.readString(Path.of("../../config/dolly.yaml"));
        AgentConfig a = agent(yaml);
        DollyConfig f = functions(yaml);
        assertThat(a.templates().keySet()).isEqualTo(f.templates().keySet());
        assertThat(a.template("shop").orElseThrow().cloneDefaults().ttl()).isEqualTo(f.template("shop").cloneDefaults().ttlOrDefault());
        assertThat(a.template("todo").orElseThrow().cloneDefaults().maxTtl()).isEqualTo(f.template("todo").cloneDefaults().maxTtlOrDefault());
        assertThat(infra(yaml)).contains("\"shop\"", "\"todo\"");
    }

    @Test
    void aSumOfUnitsIsAcceptedByAll() {
        String yaml = "templates:\n  shop:\n    clone: { ttl: 1d12h, maxTtl: 1w, idle: 1h30m }\n"
                + "grants:\n  - { role: developer, templates: [shop], maxTtl: 2d12h }\n";
        assertThat(agent(yaml).template("shop").orElseThrow().cloneDefaults().ttl()).isEqualTo(Duration.ofHours(36));
        DollyConfig f = functions(yaml);
        assertThat(f.template("shop").cloneDefaults().ttlOrDefault()).isEqualTo(Duration.ofHours(36));
        assertThat(f.template("shop").cloneDefaults().maxTtlOrDefault()).isEqualTo(Duration.ofDays(7));
        assertThat(f.template("shop").cloneDefaults().idleOrNull()).isEqualTo(Duration.ofMinutes(90));
        assertThat(f.grants().get(0).maxTtl()).isEqualTo(Duration.ofHours(60));
        assertThat(infra(yaml)).contains("\"ttl\":\"1d12h\"");
    }

    @Test
    void aBadDurationIsRefusedByAllNamingItsPath() {
        refusedByAll("templates:\n  shop:\n    clone: { ttl: 8hours }\n", "templates.shop.clone.ttl: '8hours' is not a duration");
        refusedByAll("grants:\n  - { role: developer, maxTtl: forever }\n", "grants[0].maxTtl: 'forever' is not a duration");
        refusedByAll("agent:\n  readyTimeout: soon\n", "agent.readyTimeout: 'soon' is not a duration");
    }

    @Test
    void aBadSizeIsRefusedByAll() {
        refusedByAll("templates:\n  shop:\n    clone: { memory: lots }\n", "templates.shop.clone.memory: 'lots' is not a size");
    }

    @Test
    void anUnknownKeyIsRefusedByAllWithTheNearestKnownOne() {
        refusedByAll("templates:\n  shop:\n    clone: { tll: 8h }\n", "templates.shop.clone.tll: unknown key 'tll'; did you mean 'ttl'?");
        refusedByAll("templates:\n  shop:\n    slackChanel: '#dolly'\n", "did you mean 'slackChannel'?");
        refusedByAll("grant:\n  - { role: admin }\n", "grant: unknown key 'grant'; did you mean 'grants'?");
        refusedByAll("agent:\n  listne: 0.0.0.0:7070\n", "agent.listne: unknown key 'listne'; did you mean 'listen'?");
    }

    private static void refusedByAll(String yaml, String message) {
        assertThatThrownBy(() -> agent(yaml)).as("agent").isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
        assertThatThrownBy(() -> functions(yaml)).as("functions").isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
        assertThatThrownBy(() -> infra(yaml)).as("infra").isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
