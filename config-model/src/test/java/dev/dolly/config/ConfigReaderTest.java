package dev.dolly.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {
    @Test
    void readsTheShippedConfig() {
        DollyFile f = ConfigReader.load(Path.of("../config/dolly.yaml"));
        assertThat(f.agent().listen()).isEqualTo("127.0.0.1:7070");
        assertThat(f.agent().cloneMemory()).isEqualTo(256L << 20);
        assertThat(f.templates()).containsKeys("shop", "todo");
        assertThat(f.templates().get("shop").cloneDefaults().ttl()).isEqualTo(Duration.ofHours(8));
        assertThat(f.templates().get("shop").cloneDefaults().quota()).isEqualTo(5L << 30);
        assertThat(f.templates().get("shop").refreshSchedule()).isEqualTo("cron(0 3 * * ? *)");
        assertThat(f.templates().get("todo").seed()).containsExactly("seed/todo");
        assertThat(f.grants().get(0).maxTtl()).isEqualTo(Duration.ofHours(72));
        assertThat(f.slack()).containsEntry("command", "/dolly");
    }

    @Test
    void aBadValueIsNamedByItsPath() {
        assertThatThrownBy(() -> ConfigReader.read("templates: { shop: { clone: { ttl: 8x } } }", "config"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("templates.shop.clone.ttl: '8x' is not a duration")
                .extracting(e -> ((ConfigException) e).path()).isEqualTo("templates.shop.clone.ttl");
        assertThatThrownBy(() -> ConfigReader.read("grants: [ { role: admin }, { maxTtl: forever } ]", "config"))
                .hasMessageStartingWith("grants[1].maxTtl: ");
        assertThatThrownBy(() -> ConfigReader.read("agent: { minFree: lots }", "config"))
                .hasMessageStartingWith("agent.minFree: 'lots' is not a size");
        assertThatThrownBy(() -> ConfigReader.read("agent: { retention: many }", "config"))
                .hasMessageStartingWith("agent.retention: expected a whole number");
    }

    @Test
    void anUnknownKeyComesWithTheNearestKnownOne() {
        assertThatThrownBy(() -> ConfigReader.read("templates: { shop: { clone: { tll: 8h } } }", "config"))
                .hasMessage("templates.shop.clone.tll: unknown key 'tll'; did you mean 'ttl'?");
        assertThatThrownBy(() -> ConfigReader.read("grant: []", "config"))
                .hasMessage("grant: unknown key 'grant'; did you mean 'grants'?");
        assertThatThrownBy(() -> ConfigReader.read("templates: { shop: { source: { password: hunter2 } } }", "config"))
                .hasMessageContaining("did you mean 'passwordEnv'?").hasMessageNotContaining("hunter2");
    }

    @Test
    void sumsOfUnitsAreDurations() {
        DollyFile f = ConfigReader.read("templates: { shop: { clone: { ttl: 1d12h } } }", "config");
        assertThat(f.templates().get("shop").cloneDefaults().ttl()).isEqualTo(Duration.ofHours(36));
    }

    @Test
    void syntaxErrorsGiveTheLocationOnly() {
        assertThatThrownBy(() -> ConfigReader.read("a: [planted-secret\n", "x.yaml"))
                .hasMessageContaining("x.yaml is not valid YAML (line").hasMessageNotContaining("planted");
        assertThat(ConfigReader.read("# nothing\n", "config").templates()).isEmpty();
        assertThatThrownBy(() -> ConfigReader.read("- a\n", "config")).hasMessageContaining("not a Dolly config");
    }

    @Test
    void schemaListsWhatEachComponentReads() {
        assertThat(Schema.TEMPLATE.readBy(Schema.Reader.CONTROL_PLANE))
                .containsExactly("database", "description", "clone", "refresh", "slackChannel", "check");
        assertThat(Schema.FILE.readBy(Schema.Reader.AGENT)).containsExactly("agent", "templates");
    }

    @Test
    void aChecksSettingsAreCheckedWhereverTheyAre() {
        ConfigReader.read("templates:\n  shop:\n    check: { thresholds: { failBlocked: 500ms, warnRewrite: 100m }, "
                + "probe: { sessions: 4, rate: 50, longTransaction: true } }\n"
                + "ciKeys:\n  - { id: k, secret: s, check: { thresholds: { failBlocked: 2s }, slackChannel: '#c' } }\n", "config");
        assertThatThrownBy(() -> ConfigReader.read("templates:\n  shop:\n    check: { thresholds: { failBlocked: soon } }\n", "config"))
                .hasMessageContaining("templates.shop.check.thresholds.failBlocked: 'soon' is not a duration");
        assertThatThrownBy(() -> ConfigReader.read("ciKeys:\n  - { id: k, check: { tresholds: {} } }\n", "config"))
                .hasMessageContaining("ciKeys[0].check.tresholds: unknown key 'tresholds'; did you mean 'thresholds'?");
    }
}
