package dev.dolly.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Context parsing and validation (no synthesis). */
class DollyConfigTest {

    private static DollyConfig config(Map<String, Object> ctx) {
        return DollyConfig.from(ctx::get, ctx.keySet());
    }

    @Test
    void defaultsNeedNoContext() {
        DollyConfig c = DollyConfig.defaults();
        assertThat(c.stackName()).isEqualTo("Dolly");
        assertThat(c.account()).isNull();
        assertThat(c.region()).isNull();
        assertThat(c.availabilityZones()).isEmpty();
        assertThat(c.natGateways()).isEqualTo(1);
        assertThat(c.instanceType()).isEqualTo("m6i.large");
        assertThat(c.poolSizeGiB()).isEqualTo(200);
        assertThat(c.agentPort()).isEqualTo(7070);
        assertThat(c.clonePortFrom()).isEqualTo(6000);
        assertThat(c.clonePortTo()).isEqualTo(6099);
        assertThat(c.templates()).isEmpty();
        assertThat(c.ciKeys()).containsExactly("ci");
        assertThat(c.functionsJar()).isEqualTo(Path.of("../functions/app/target/dolly-functions-aws.jar"));
        assertThat(c.agentJar()).isEqualTo(Path.of("../host-agent/agent/target/dolly-host-agent.jar"));
        assertThat(c.lambdaRuntime()).isEqualTo("java21");
        assertThat(c.logRetentionDays()).isEqualTo(30);
        assertThat(c.heartbeatMaxAgeSeconds()).isEqualTo(600);
    }

    @Test
    void readsJsonValuesAsInCdkJson() {
        Map<String, Object> ctx = new HashMap<>();
        ctx.put("templates", Map.of("shop", "cron(0 3 * * ? *)"));
        ctx.put("ciKeys", List.of("ci", "nightly"));
        ctx.put("poolSizeGiB", 500);
        ctx.put("interfaceEndpoints", true);
        ctx.put("availabilityZones", List.of("eu-west-1b", "eu-west-1c"));
        DollyConfig c = config(ctx);
        assertThat(c.templates()).containsExactly(Map.entry("shop", "cron(0 3 * * ? *)"));
        assertThat(c.ciKeys()).containsExactly("ci", "nightly");
        assertThat(c.poolSizeGiB()).isEqualTo(500);
        assertThat(c.interfaceEndpoints()).isTrue();
        assertThat(c.availabilityZones()).containsExactly("eu-west-1b", "eu-west-1c");
    }

    @Test
    void readsStringsAsFromDashC() {
        Map<String, Object> ctx = new HashMap<>();
        ctx.put("templates", "shop=cron(0 3,15 * * ? *); crm=rate(6 hours)");
        ctx.put("ciKeys", "ci, nightly");
        ctx.put("poolSizeGiB", "500");
        ctx.put("clonePeerCidrs", "10.8.0.0/16,192.168.0.0/24");
        ctx.put("clonePorts", "6100-6199");
        DollyConfig c = config(ctx);
        assertThat(c.templates()).containsExactly(
                Map.entry("shop", "cron(0 3,15 * * ? *)"), Map.entry("crm", "rate(6 hours)"));
        assertThat(c.ciKeys()).containsExactly("ci", "nightly");
        assertThat(c.poolSizeGiB()).isEqualTo(500);
        assertThat(c.clonePeerCidrs()).containsExactly("10.8.0.0/16", "192.168.0.0/24");
        assertThat(c.clonePortFrom()).isEqualTo(6100);
        assertThat(c.clonePortTo()).isEqualTo(6199);
    }

    @Test
    void refusesSecretsInContext() {
        for (String key : List.of("slackSigningSecret", "slackBotToken", "agentPassword", "ciApiKey")) {
            assertThatThrownBy(() -> config(Map.of(key, "xoxb-123")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + key + "' looks like a secret")
                    .hasMessageContaining("put-secret-value")
                    .hasMessageNotContaining("xoxb-123");
        }
    }

    @Test
    void leavesCdkOwnKeysAloneAndReportsUnknownOnes() {
        Map<String, Object> ctx = new HashMap<>();
        ctx.put("@aws-cdk/aws-secretsmanager:useAttachedSecretResourcePolicyForSecretTargetAttachments", true);
        ctx.put("aws:cdk:enable-path-metadata", true);
        ctx.put("availability-zones:account=123456789012:region=eu-west-1", List.of("eu-west-1a"));
        ctx.put("poolSize", "500");
        ctx.put("poolSizeGiB", "500");
        assertThat(config(ctx).poolSizeGiB()).isEqualTo(500);
        assertThat(DollyConfig.unknownKeys(ctx.keySet())).containsExactly("poolSize");
    }

    @Test
    void refusesBadValuesNamingTheKey() {
        assertThatThrownBy(() -> config(Map.of("templates", Map.of("Shop!", "rate(1 day)"))))
                .hasMessageContaining("'templates'").hasMessageContaining("Shop!");
        assertThatThrownBy(() -> config(Map.of("templates", Map.of("shop", "every night"))))
                .hasMessageContaining("'templates.shop'").hasMessageContaining("cron(...)");
        assertThatThrownBy(() -> config(Map.of("poolSizeGiB", "lots")))
                .hasMessageContaining("'poolSizeGiB'").hasMessageContaining("whole number");
        assertThatThrownBy(() -> config(Map.of("logRetentionDays", 10)))
                .hasMessageContaining("'logRetentionDays'").hasMessageContaining("14");
        assertThatThrownBy(() -> config(Map.of("agentPort", 6050)))
                .hasMessageContaining("'agentPort'").hasMessageContaining("outside clonePorts");
        assertThatThrownBy(() -> config(Map.of("lambdaRuntime", "java11")))
                .hasMessageContaining("java17 or java21");
        assertThatThrownBy(() -> config(Map.of("clonePeerCidrs", "everyone")))
                .hasMessageContaining("'clonePeerCidrs'");
        assertThatThrownBy(() -> config(Map.of("ciKeys", List.of("ci", "ci"))))
                .hasMessageContaining("distinct");
        assertThatThrownBy(() -> config(Map.of("natGateways", 0)))
                .hasMessageContaining("'natGateways'");
        assertThatThrownBy(() -> config(Map.of("availabilityZones", "eu-west-1a")))
                .hasMessageContaining("at least two");
    }
}
