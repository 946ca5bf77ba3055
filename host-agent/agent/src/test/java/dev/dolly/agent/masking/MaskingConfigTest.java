package dev.dolly.agent.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaskingConfigTest {

    private static MaskingConfig parse(String yaml) throws Exception {
        return MaskingConfig.parse(new YAMLMapper().readTree(yaml), "templates.shop.masking");
    }

    @Test
    void parsesTheDocumentedShape() throws Exception {
        MaskingConfig c = parse("""
                saltEnv: SHOP_SALT
                gate: { sampleRows: 50, threshold: 0.5 }
                tables:
                  users:
                    email: email
                    ssn: { rule: partial, keepLast: 4 }
                    nickname: keep
                  audit.log: truncate
                  '"odd.schema".t':
                    x: null
                """);
        assertThat(c.tables()).containsOnlyKeys("public.users", "audit.log", "odd.schema.t");
        assertThat(c.tables().get("public.users").columns()).containsOnlyKeys("email", "ssn", "nickname");
        assertThat(c.tables().get("public.users").columns().get("ssn").kind()).isEqualTo(RuleKind.PARTIAL);
        assertThat(c.tables().get("audit.log").truncate()).isTrue();
        assertThat(c.gate()).isEqualTo(new MaskingConfig.Gate(true, 50, 0.5));
        assertThat(c.salt(Map.of("SHOP_SALT", "s3cret")::get)).isEqualTo("s3cret");
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    void saltComesFromTheEnvironmentOrFails() throws Exception {
        MaskingConfig c = parse("tables: {}");
        assertThat(c.salt(Map.of("DOLLY_MASKING_SALT", "x")::get)).isEqualTo("x");
        assertThatThrownBy(() -> c.salt(k -> null)).hasMessageContaining("DOLLY_MASKING_SALT");
        assertThat(parse("salt: inline\ntables: {}").salt(k -> null)).isEqualTo("inline");
    }

    @Test
    void mistakesAreReportedWithTheirPath() {
        assertThatThrownBy(() -> parse("tables: {users: {email: emial}}"))
                .hasMessageContaining("templates.shop.masking.tables.users.email: unknown rule 'emial'");
        assertThatThrownBy(() -> parse("tables: {users: keep}")).hasMessageContaining("truncate");
        assertThatThrownBy(() -> parse("tables: {users: {email: truncate}}")).hasMessageContaining("table rule");
        assertThatThrownBy(() -> parse("tabels: {}")).hasMessageContaining("unknown key 'tabels'");
        assertThatThrownBy(() -> parse("gate: {threshold: 2}")).hasMessageContaining("threshold");
    }

    @Test
    void missingSectionMeansNoRules() {
        assertThat(MaskingConfig.parse(null, "x").hasRules()).isFalse();
        assertThat(MaskingConfig.qualify("t")).isEqualTo("public.t");
        assertThat(MaskingConfig.qualify("s.t")).isEqualTo("s.t");
    }
}
