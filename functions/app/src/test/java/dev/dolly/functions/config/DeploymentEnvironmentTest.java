package dev.dolly.functions.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.functions.Harness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How the AWS deployment hands the functions their secrets (Secrets Manager ARNs), hosts and metrics. */
class DeploymentEnvironmentTest {

    @Test
    void secretsComeFromTheVariableOrFromTheSecretItsArnVariableNames() {
        AtomicInteger fetches = new AtomicInteger();
        Map<String, String> env = Map.of(
                "DOLLY_AGENT_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:agent",
                "DOLLY_SLACK_SIGNING_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:signing",
                "PLAIN", "plain-value",
                Secrets.CI_KEY_ARNS_ENV, "ci-a=arn:aws:secretsmanager:eu-west-1:1:secret:ci-a, ci-b=arn:aws:secretsmanager:eu-west-1:1:secret:ci-b");
        Secrets s = new Secrets(env::get, arn -> {
            fetches.incrementAndGet();
            return "value-of-" + arn.substring(arn.lastIndexOf(':') + 1);
        });
        assertThat(s.resolve("PLAIN", "literal")).isEqualTo("plain-value");
        assertThat(s.resolve("DOLLY_AGENT_SECRET", null)).isEqualTo("value-of-agent");
        assertThat(s.resolve("SLACK_SIGNING_SECRET", null)).isEqualTo("value-of-signing");
        assertThat(s.resolve("SLACK_BOT_TOKEN", "fallback")).isEqualTo("fallback");
        assertThat(s.ciKeyFromArns("ci-b")).isEqualTo("value-of-ci-b");
        assertThat(s.ciKeyFromArns("ci-z")).isNull();
        assertThat(s.resolve("DOLLY_AGENT_SECRET", null)).isEqualTo("value-of-agent");
        assertThat(fetches.get()).as("each secret fetched once").isEqualTo(3);
        assertThat(s.toString()).doesNotContain("value");
    }

    @Test
    void hostsFromTheEnvironmentJoinTheConfiguredOnes() {
        DollyConfig c = ConfigLoader.fromYaml("hosts:\n  - { name: a, url: \"http://a:7070\" }\n");
        DollyConfig merged = dev.dolly.functions.DollyConfigurationAccess.withHosts(c, "a=http://ignored:1,zfs-1=http://zfs-1.dolly.internal:7070");
        assertThat(merged.hosts()).extracting(DollyConfig.HostConfig::name).containsExactly("a", "zfs-1");
        assertThat(merged.hosts().get(0).url()).isEqualTo("http://a:7070");
        assertThat(merged.hosts().get(1).url()).isEqualTo("http://zfs-1.dolly.internal:7070");
    }

    @Test
    void theReaperReportsTheHeartbeatAgeAsAnEmbeddedMetric() {
        try (Harness h = new Harness(Harness.yaml(""))) {
            h.reaper.publishHeartbeatAge("Dolly");
            PrintStream out = System.out;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setOut(new PrintStream(captured, true));
            try {
                h.reaper.run();
            } finally {
                System.setOut(out);
            }
            String line = captured.toString().lines().filter(l -> l.startsWith("{\"_aws\"")).findFirst().orElseThrow();
            assertThat(line).contains("\"Namespace\":\"Dolly\"").contains("\"Name\":\"HostHeartbeatAgeSeconds\"")
                    .contains("\"HostHeartbeatAgeSeconds\":86400"); // no host at all: as bad as it gets
            var host = dev.dolly.functions.store.HostItem.create("h1");
            host.setLastSeenHealthy(h.clock.instant().minusSeconds(42));
            assertThat(h.reaper.heartbeatAgeSeconds(List.of(host))).isEqualTo(42L);
        }
    }
}
