package dev.dolly.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * The functions' DOLLY_CONFIG_YAML from context hostConfig: what is kept, inline secrets and oversized
 * configs refused, and the warning without it (one synthesis, without hostConfig). The standard stack's
 * variable is asserted in {@link FunctionsTest}.
 */
class FunctionsConfigTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String configYaml) throws IOException {
        return YAML.readValue(configYaml, Map.class);
    }

    private static Path write(String name, String yaml) throws IOException {
        Path file = Synth.TARGET.resolve("host-configs").resolve(name + ".yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml);
        return file;
    }

    /** Builds the stack with {@code hostConfig} (fails before synthesis when the config is refused). */
    private static void stackWith(String name, Path hostConfig) {
        Map<String, Object> ctx = Synth.context();
        ctx.put("hostConfig", hostConfig.toString());
        App app = App.Builder.create().context(ctx).outdir(Synth.outdir("host-config-" + name).toString()).build();
        DollyApp.stack(app);
    }

    @Test
    @SuppressWarnings("unchecked")
    void keepsTheControlPlaneSectionsAndTheTemplateKeysItReads() throws IOException {
        String json = FunctionsConfig.fromFile(Synth.HOST_CONFIG);
        assertThat(json).doesNotContain("\n").startsWith("{\"templates\":");
        Map<String, Object> c = parse(json);
        assertThat(c).containsOnlyKeys("templates", "grants", "ciKeys", "slack");
        Map<String, Object> shop = (Map<String, Object>) ((Map<String, Object>) c.get("templates")).get("shop");
        assertThat(shop).containsOnlyKeys("database", "description", "clone", "refresh", "slackChannel");
        assertThat(shop.get("refresh")).isEqualTo(Map.of("schedule", "cron(0 3 * * ? *)", "workers", 2));
        assertThat((List<Object>) c.get("grants")).hasSize(2);
    }

    @Test
    void theRepositorysOwnConfigFitsAndHoldsNoSecret() throws IOException {
        String json = FunctionsConfig.fromFile(Path.of("../config/dolly.yaml"));
        assertThat(parse(json)).containsOnlyKeys("templates", "grants", "ciKeys", "slack");
        assertThat(json).doesNotContain("masking", "DOLLY_SOURCE_SHOP_PASSWORD", "127.0.0.1");
        Map<String, String> env = new LinkedHashMap<>();
        env.put(FunctionsConfig.ENV, json);
        assertThat(FunctionsConfig.estimatedBytes(env)).isLessThan(FunctionsConfig.ENV_BUDGET_BYTES / 2);
    }

    @Test
    void emptyOrMissingSectionsGiveAnEmptyConfig() {
        assertThat(FunctionsConfig.fromYaml("", "x.yaml")).isEqualTo("{}");
        assertThat(FunctionsConfig.fromYaml("agent: {listen: 0.0.0.0:7070}\nhosts: []\n", "x.yaml")).isEqualTo("{}");
        assertThat(FunctionsConfig.fromYaml("templates:\n  todo:\n", "x.yaml")).isEqualTo("{\"templates\":{\"todo\":{}}}");
        assertThatThrownBy(() -> FunctionsConfig.fromYaml("slack:\n  a: [planted-9f4b\n", "x.yaml"))
                .hasMessageContaining("x.yaml is not valid YAML (line").hasMessageNotContaining("planted");
        assertThatThrownBy(() -> FunctionsConfig.fromYaml("- a\n- b\n", "x.yaml"))
                .hasMessageContaining("x.yaml is not a Dolly config");
        assertThatThrownBy(() -> FunctionsConfig.fromYaml("grants: {admins: x}\n", "x.yaml"))
                .hasMessageContaining("'grants' must be a list");
        assertThatThrownBy(() -> FunctionsConfig.fromYaml("templates: [shop]\n", "x.yaml"))
                .hasMessageContaining("'templates' must be a map");
        assertThatThrownBy(() -> FunctionsConfig.fromFile(Path.of("target/no-such.yaml")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("context 'hostConfig': no such file");
    }

    @Test
    void refusesSecretsInlineNamingTheKeyNotTheValue() {
        Map<String, String> cases = Map.of(
                "ciKeys[0].secret", "ciKeys:\n  - id: ci\n    secret: planted-ci-9f4b\n",
                "hosts[0].secret", "hosts:\n  - name: h\n    url: http://h\n    secret: planted-host-9f4b\n",
                "templates.shop.source.password",
                "templates:\n  shop:\n    source: {host: db, password: planted-pw-9f4b}\n",
                "slack.botToken", "slack:\n  botToken: xoxb-planted-9f4b\n",
                "templates.shop.masking.salt", "templates:\n  shop:\n    masking: {salt: planted-salt-9f4b}\n");
        cases.forEach((key, yaml) -> assertThatThrownBy(() -> FunctionsConfig.fromYaml(yaml, "ops.yaml"))
                .as(key)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ops.yaml: '" + key + "' holds a secret inline")
                .hasMessageContaining("secretEnv / passwordEnv")
                .hasMessageNotContaining("planted"));
        // names of variables pass; so do empty values and masked columns that happen to be called password
        assertThat(FunctionsConfig.fromYaml("ciKeys:\n  - id: ci\n    secretEnv: CI_SECRET\n    secret:\n"
                + "templates:\n  shop:\n    masking:\n      tables:\n        public.users: {password: hash}\n", "ops.yaml"))
                .contains("CI_SECRET");
    }

    @Test
    void synthRefusesAConfigWithAnInlineSecret() throws IOException {
        Path file = write("inline-secret", "templates:\n  shop:\n    source:\n      password: planted-pw-2d7e\n");
        assertThatThrownBy(() -> stackWith("inline-secret", file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'templates.shop.source.password' holds a secret inline")
                .hasMessageContaining("passwordEnv")
                .hasMessageNotContaining("planted-pw-2d7e");
    }

    @Test
    void synthRefusesAConfigTooLargeForTheLambdaEnvironment() throws IOException {
        StringBuilder yaml = new StringBuilder("templates:\n");
        for (int i = 0; i < 40; i++) {
            yaml.append("  t").append(i).append(":\n    description: a rather long description of template ")
                    .append(i).append(", repeated to fill the environment\n");
        }
        Path file = write("oversized", yaml.toString());
        assertThatThrownBy(() -> stackWith("oversized", file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("function Dolly-slackEvents: its environment would be about")
                .hasMessageContaining("over the 3584 Dolly allows (Lambda's limit is 4 KB")
                .hasMessageContaining("The config is too large for the Lambda environment")
                .hasMessageContaining(file.toString())
                .hasMessageContaining("descriptions");
    }

    @Test
    void tokensAreCountedAtTheirEstimatedResolvedSize() {
        assertThat(FunctionsConfig.estimatedBytes("abc")).isEqualTo(3);
        assertThat(FunctionsConfig.estimatedBytes("ci=${Token[TOKEN.123]},nightly=${Token[Secrets.Ci.456]}"))
                .isEqualTo("ci=,nightly=".length() + 2 * FunctionsConfig.TOKEN_ESTIMATE_BYTES);
        assertThat(FunctionsConfig.estimatedBytes(Map.of("K", "${Token[TOKEN.1]}")))
                .isEqualTo(1 + FunctionsConfig.TOKEN_ESTIMATE_BYTES);
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutHostConfigTheFunctionsGetNoConfigAndSynthWarns() throws IOException {
        Map<String, Object> ctx = Synth.context();
        ctx.remove("hostConfig");
        Path outdir = Synth.outdir("no-host-config");
        App app = App.Builder.create().context(ctx).outdir(outdir.toString()).build();
        Map<String, Object> json = (Map<String, Object>) Template.fromStack(DollyApp.stack(app)).toJSON();
        var functions = Synth.ofType(json, "AWS::Lambda::Function");
        assertThat(functions).hasSize(FunctionsTest.BEANS.size());
        functions.forEach((id, fn) -> assertThat((Map<String, Object>) ((Map<String, Object>) Synth.props(fn)
                .get("Environment")).get("Variables")).as(id).doesNotContainKey("DOLLY_CONFIG_YAML")
                .containsKey("DOLLY_HOSTS"));
        String metadata = Files.readString(outdir.resolve("Dolly.metadata.json"));
        assertThat(metadata).contains("aws:cdk:warning", "no context 'hostConfig'",
                "will refuse every command until a config is given");
    }
}
