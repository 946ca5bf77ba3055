package dev.dolly.agent.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RefreshConfigTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void sourceShapeAndPasswordFromTheEnvironment() throws Exception {
        SourceConfig s = SourceConfig.parse(YAML.readTree("""
                host: db.internal
                database: shop
                user: dolly_reader
                systemIdentifier: "7312087654321098765"
                """), "shop-eu");
        assertThat(s.port()).isEqualTo(5432);
        assertThat(s.sslmode()).isEqualTo("require");
        assertThat(s.passwordEnv()).isEqualTo("DOLLY_SOURCE_SHOP_EU_PASSWORD");
        Map<String, String> env = s.libpqEnv(Map.of("DOLLY_SOURCE_SHOP_EU_PASSWORD", "pw")::get);
        assertThat(env).containsEntry("PGPASSWORD", "pw").containsEntry("PGHOST", "db.internal")
                .containsEntry("PGOPTIONS", "-c default_transaction_read_only=on");
        assertThat(s.libpqEnv(k -> null)).doesNotContainKey("PGPASSWORD");
    }

    @Test
    void sourcesUseVerifiedTlsByDefault() throws Exception {
        SourceConfig plain = SourceConfig.parse(YAML.readTree("{host: h, database: d, user: u}"), "shop");
        assertThat(plain.sslmode()).as("no CA: encrypted").isEqualTo("require");
        assertThat(plain.tlsWarning()).isNull();
        assertThat(plain.libpqEnv(k -> null)).containsEntry("PGSSLMODE", "require").doesNotContainKey("PGSSLROOTCERT");
        SourceConfig withCa = SourceConfig.parse(YAML.readTree("{host: h, database: d, user: u, sslRootCert: /etc/dolly/prod-ca.pem}"), "shop");
        assertThat(withCa.sslmode()).as("a CA: the server's name and certificate verified").isEqualTo("verify-full");
        assertThat(withCa.libpqEnv(k -> null)).containsEntry("PGSSLMODE", "verify-full").containsEntry("PGSSLROOTCERT", "/etc/dolly/prod-ca.pem");
        assertThat(withCa.tlsWarning()).isNull();
    }

    @Test
    void weakTlsOnlyWhenTheTemplateSaysSoAndWithAWarning() throws Exception {
        for (String mode : new String[] {"prefer", "allow", "disable"}) {
            SourceConfig s = SourceConfig.parse(YAML.readTree("{host: h, database: d, user: u, sslmode: " + mode + "}"), "shop");
            assertThat(s.sslmode()).isEqualTo(mode);
            assertThat(s.tlsWarning()).contains("sslmode " + mode);
        }
        assertThat(SourceConfig.parse(YAML.readTree("{host: h, database: d, user: u, sslmode: verify-ca}"), "shop").tlsWarning()).isNull();
    }

    @Test
    void sourceMistakes() {
        assertThatThrownBy(() -> SourceConfig.parse(YAML.readTree("{host: h, database: d, user: u, password: x}"), "shop"))
                .hasMessageContaining("passwords do not belong in the config file").hasMessageContaining("DOLLY_SOURCE_SHOP_PASSWORD");
        assertThatThrownBy(() -> SourceConfig.parse(YAML.readTree("{host: h, database: d, user: u, systemIdentifier: abc}"), "shop"))
                .hasMessageContaining("pg_control_system");
        assertThatThrownBy(() -> SourceConfig.parse(YAML.readTree("{host: h, user: u}"), "shop")).hasMessageContaining("required");
        assertThatThrownBy(() -> SourceConfig.parse(YAML.readTree("{host: h, database: d, user: u, sslmode: maybe}"), "shop"))
                .hasMessageContaining("sslmode");
    }

    @Test
    void refreshOptions() throws Exception {
        RefreshOptions o = RefreshOptions.parse(YAML.readTree("""
                schedule: "cron(0 3 * * ? *)"
                workers: 4
                roles: false
                stripManagedOptions: true
                largeObjects: copy
                excludeTables: [public.big_log]
                """), "shop");
        assertThat(o.workers()).isEqualTo(4);
        assertThat(o.roles()).isFalse();
        assertThat(o.stripManagedOptions()).isTrue();
        assertThat(o.largeObjects()).isEqualTo(RefreshOptions.LargeObjects.COPY);
        assertThat(o.excludeTables()).containsExactly("public.big_log");
        assertThat(RefreshOptions.parse(null, "shop")).isEqualTo(RefreshOptions.defaults());
        assertThatThrownBy(() -> RefreshOptions.parse(YAML.readTree("{workers: 0}"), "shop")).hasMessageContaining("workers");
        assertThatThrownBy(() -> RefreshOptions.parse(YAML.readTree("{largeObjects: maybe}"), "shop")).hasMessageContaining("refuse, skip, copy");
        assertThatThrownBy(() -> RefreshOptions.parse(YAML.readTree("{wokers: 2}"), "shop")).hasMessageContaining("unknown key 'wokers'");
    }
}
