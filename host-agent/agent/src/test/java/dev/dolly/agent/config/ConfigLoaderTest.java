package dev.dolly.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.config.Durations;
import dev.dolly.config.Sizes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    static final String YAML = """
            agent:
              host: db.example.internal
              listen: 0.0.0.0:7070
              pool: tank/dolly
              ports: 6000-6099
              image: dolly/postgres:15
              secretEnv: MY_SECRET
              minFree: 128m
              bindAddress: 127.0.0.1
              callback: { url: "http://cp.internal:8080/agent/callback", heartbeat: 15s }
            templates:
              shop:
                database: shop
                description: Demo shop
                seed: [ seed/schema.sql, /abs/data ]
                retention: 5
                clone: { ttl: 8h, maxTtl: 72h, idle: 4h, memory: 512m, quota: 5g }
                refresh: { schedule: "cron(0 3 * * ? *)", workers: 2 }
                slackChannel: "#dolly"
              live-orders:
                source: { host: prod.internal, port: 5432, database: orders, user: dolly_ro, passwordEnv: ORDERS_PW }
                masking: { public.customer: { email: fake_email } }
            hosts: [ { name: h1 } ]
            grants: []
            slack: { signingSecretEnv: X }
            """;

    @Test
    void readsTheAgentSectionAndTemplatesAndIgnoresTheRest() {
        AgentConfig c = ConfigLoader.parse(YAML, Path.of("/etc/dolly"), Map.of("MY_SECRET", "0123456789abcdef-secret"));
        assertThat(c.host()).isEqualTo("db.example.internal");
        assertThat(c.listenHost()).isEqualTo("0.0.0.0");
        assertThat(c.listenPort()).isEqualTo(7070);
        assertThat(c.pool()).isEqualTo("tank/dolly");
        assertThat(c.portFrom()).isEqualTo(6000);
        assertThat(c.portTo()).isEqualTo(6099);
        assertThat(new String(c.secret())).isEqualTo("0123456789abcdef-secret");
        assertThat(c.minFreeBytes()).isEqualTo(128L << 20);
        assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(c.callback().url()).hasToString("http://cp.internal:8080/agent/callback");
        assertThat(c.callback().host()).isEqualTo("db.example.internal");
        assertThat(c.name()).as("the host's name, signed into requests").isEqualTo("db.example.internal");
        assertThat(ConfigLoader.parse(YAML, Path.of("/etc/dolly"), Map.of("MY_SECRET", "0123456789abcdef-secret", "DOLLY_AGENT_NAME", "zfs-1"))
                .name()).as("named by the AWS bootstrap").isEqualTo("zfs-1");
        assertThat(ConfigLoader.parse(YAML.replace("agent:\n", "agent:\n  name: h7\n"), Path.of("/etc/dolly"),
                Map.of("MY_SECRET", "0123456789abcdef-secret", "DOLLY_AGENT_NAME", "zfs-1")).name()).isEqualTo("h7");
        assertThat(c.callback().heartbeat()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.network()).isEqualTo(AgentConfig.Network.BRIDGE);
        assertThat(c.toString()).doesNotContain("0123456789abcdef-secret").contains("secret=***");

        TemplateConfig shop = c.template("shop").orElseThrow();
        assertThat(shop.database()).isEqualTo("shop");
        assertThat(shop.seed()).containsExactly(Path.of("/etc/dolly/seed/schema.sql"), Path.of("/abs/data"));
        assertThat(shop.retention()).isEqualTo(5);
        assertThat(shop.cloneDefaults().memoryBytes()).isEqualTo(512L << 20);
        assertThat(shop.cloneDefaults().quotaBytes()).isEqualTo(5L << 30);
        assertThat(shop.cloneDefaults().ttl()).isEqualTo(Duration.ofHours(8));
        assertThat(shop.hasSeed()).isTrue();
        assertThat(shop.hasSource()).isFalse();
        assertThat(shop.refresh().get("workers").asInt()).isEqualTo(2);

        TemplateConfig live = c.template("live-orders").orElseThrow();
        assertThat(live.database()).isEqualTo("live_orders");
        assertThat(live.hasSource()).isTrue();
        assertThat(live.source().get("passwordEnv").asText()).isEqualTo("ORDERS_PW");
        assertThat(live.masking().has("public.customer")).isTrue();
        assertThat(live.retention()).isEqualTo(3);
        assertThat(live.cloneDefaults().memoryBytes()).isEqualTo(256L << 20);
    }

    @Test
    void defaultsWithoutAnAgentSection() {
        AgentConfig c = ConfigLoader.parse("templates: {}\n", null, Map.of());
        assertThat(c.pool()).isEqualTo("dolly");
        assertThat(c.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(c.callback()).isNull();
        assertThat(c.listenHost()).isEqualTo("127.0.0.1");
        assertThat(c.listenPort()).isEqualTo(7070);
        assertThat(c.secret()).isNull();
        assertThat(c.image()).isEqualTo("dolly/postgres:15");
        assertThat(c.templates()).isEmpty();
    }

    @Test
    void rejectsBadValues() {
        assertThatThrownBy(() -> ConfigLoader.parse("agent: { ports: 7000 }", null, Map.of())).hasMessageContaining("range");
        assertThatThrownBy(() -> ConfigLoader.parse("agent: { pool: 'bad pool' }", null, Map.of())).hasMessageContaining("dataset root");
        assertThatThrownBy(() -> ConfigLoader.parse("templates: { Bad: { seed: x.sql } }", null, Map.of())).hasMessageContaining("template name");
        assertThatThrownBy(() -> ConfigLoader.parse("templates: { t: { seed: x.sql, retention: 0 } }", null, Map.of())).hasMessageContaining("retention");
    }

    @Test
    void units() {
        assertThat(Sizes.parse("256m")).isEqualTo(256L << 20);
        assertThat(Sizes.parse("5G")).isEqualTo(5L << 30);
        assertThat(Sizes.parse("1.5g")).isEqualTo(3L << 29);
        assertThat(Sizes.parse("512MiB")).isEqualTo(512L << 20);
        assertThat(Sizes.parse("1048576")).isEqualTo(1048576L);
        assertThat(Durations.parse("8h")).isEqualTo(Duration.ofHours(8));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> Sizes.parse("lots")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("soon")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cloneLimitsAreSecureByDefaultAndTemplatesOverrideTheHostDefaults() {
        AgentConfig d = ConfigLoader.parse("templates: { t: { seed: x.sql } }", Path.of("/cfg"), Map.of());
        assertThat(d.isolation()).isEqualTo(AgentConfig.Isolation.DEFAULT);
        CloneLimits l = d.template("t").orElseThrow().cloneDefaults().limits();
        assertThat(l).isEqualTo(CloneLimits.DEFAULT);
        assertThat(l.capAdd()).isEmpty();
        assertThat(l.readOnlyRoot()).isTrue();
        assertThat(l.quotaBytes()).isEqualTo(10L << 30);
        assertThat(l.savepoints()).isEqualTo(10);
        assertThat(d.isolation().poolReserve()).isEqualTo(0.10);

        AgentConfig c = ConfigLoader.parse("""
                agent:
                  clone: { cpus: 2, pids: 300, quota: 2g, savepoints: 4 }
                  poolReserve: 15%
                templates:
                  a: { seed: x.sql }
                  b: { seed: x.sql, clone: { cpus: 0.5, quota: 0, savepoints: 1, capAdd: [ cap_chown ], readOnlyRoot: false, ownerRole: owner } }
                """, Path.of("/cfg"), Map.of());
        assertThat(c.isolation().poolReserve()).isEqualTo(0.15);
        assertThat(c.template("a").orElseThrow().cloneDefaults().limits())
                .isEqualTo(new CloneLimits(2, 300, 2L << 30, 4, java.util.List.of(), true, CloneLimits.OwnerRole.SUPERUSER));
        assertThat(c.template("b").orElseThrow().cloneDefaults().limits())
                .isEqualTo(new CloneLimits(0.5, 300, 0, 1, java.util.List.of("CHOWN"), false, CloneLimits.OwnerRole.OWNER));
        assertThat(c.template("b").orElseThrow().cloneDefaults().quotaBytes()).isZero();
    }

    @Test
    void cloneLimitsRefuseWhatWouldLetAContainerOut() {
        assertThatThrownBy(() -> ConfigLoader.parse("templates: { t: { seed: x.sql, clone: { capAdd: [ SYS_ADMIN ] } } }", Path.of("/cfg"), Map.of()))
                .hasMessageContaining("templates.t.clone").hasMessageContaining("SYS_ADMIN");
        assertThatThrownBy(() -> ConfigLoader.parse("templates: { t: { seed: x.sql, clone: { ownerRole: root } } }", Path.of("/cfg"), Map.of()))
                .hasMessageContaining("ownerRole 'root' must be superuser or owner");
        assertThatThrownBy(() -> ConfigLoader.parse("agent: { poolReserve: 95% }", Path.of("/cfg"), Map.of()))
                .hasMessageContaining("agent.poolReserve");
    }

    @Test
    void warmSparesDefaultToTwoPerTemplateAndCanBeTurnedOff() {
        AgentConfig c = ConfigLoader.parse("""
                agent:
                  clone: { spares: 1 }
                templates:
                  a: { seed: x.sql }
                  b: { seed: x.sql, clone: { spares: 0 } }
                """, Path.of("/cfg"), Map.of());
        assertThat(c.template("a").orElseThrow().cloneDefaults().limits().spares()).isEqualTo(1);
        assertThat(c.template("b").orElseThrow().cloneDefaults().limits().spares()).isZero();
        assertThat(ConfigLoader.parse("templates: { t: { seed: x.sql } }", Path.of("/cfg"), Map.of()).template("t").orElseThrow()
                .cloneDefaults().limits().spares()).isEqualTo(CloneLimits.DEFAULT_SPARES).isEqualTo(2);
        assertThatThrownBy(() -> ConfigLoader.parse("templates: { t: { seed: x.sql, clone: { spares: -1 } } }", Path.of("/cfg"), Map.of()))
                .hasMessageContaining("templates.t.clone").hasMessageContaining("spares");
        assertThatThrownBy(() -> ConfigLoader.parse("templates: { t: { seed: x.sql, clone: { spares: 500 } } }", Path.of("/cfg"), Map.of()))
                .hasMessageContaining("spares");
    }
}
