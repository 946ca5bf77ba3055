package dev.dolly.functions.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.functions.Harness;
import dev.dolly.functions.metrics.EmfControlMeters;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How the AWS deployment hands the functions their secrets (Secrets Manager ARNs), hosts and metrics. */
class DeploymentEnvironmentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

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
    void theReaperReportsTheHeartbeatAgeAsAnEmbeddedMetric() throws Exception {
        try (Harness h = new Harness(Harness.yaml(""))) {
            h.reaper.reportTo(new EmfControlMeters("Dolly"));
            String out = stdoutOf(() -> h.reaper.run());
            String line = out.lines().filter(l -> l.startsWith("{\"_aws\"")).findFirst().orElseThrow();
            JsonNode record = JSON.readTree(line);
            assertThat(record.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("Dolly");
            assertThat(record.at("/_aws/CloudWatchMetrics/0/Metrics/0/Name").asText()).isEqualTo("HostHeartbeatAgeSeconds");
            assertThat(record.at("/_aws/CloudWatchMetrics/0/Dimensions/0").size()).as("the alarm's series: no dimension").isZero();
            assertThat(record.get("HostHeartbeatAgeSeconds").asDouble()).isEqualTo(86_400); // no host at all: as bad as it gets
            var host = dev.dolly.functions.store.HostItem.create("h1");
            host.setLastSeenHealthy(h.clock.instant().minusSeconds(42));
            assertThat(h.reaper.heartbeatAgeSeconds(List.of(host))).isEqualTo(42L);
        }
    }

    @Test
    void commandsDenialsAndSignatureFailuresAreEmbeddedMetricsWithADimensionlessSeries() throws Exception {
        EmfControlMeters m = new EmfControlMeters("Dolly");
        String out = stdoutOf(() -> {
            m.command("create", "ci", "ok", 1_500_000);
            m.command("reset", "slack", "unavailable", 2_000_000);
            m.denied("destroy", "slack");
            m.signatureFailure("ci");
        });
        List<JsonNode> records = new java.util.ArrayList<>();
        for (String l : out.lines().filter(l -> l.startsWith("{\"_aws\"")).toList()) {
            records.add(JSON.readTree(l));
        }
        assertThat(records).hasSize(4);
        assertThat(records.get(0).get("Commands").asDouble()).isEqualTo(1);
        assertThat(records.get(0).get("CommandErrors").asDouble()).isZero();
        assertThat(records.get(0).get("CommandLatency").asDouble()).isEqualTo(1.5);
        assertThat(records.get(0).get("Verb").asText()).isEqualTo("create");
        assertThat(records.get(0).at("/_aws/CloudWatchMetrics/0/Dimensions").toString()).isEqualTo("[[\"Verb\",\"Outcome\"],[]]");
        assertThat(records.get(1).get("CommandErrors").asDouble()).as("unavailable is the service's fault").isEqualTo(1);
        assertThat(records.get(2).get("AuthorizationDenials").asDouble()).isEqualTo(1);
        assertThat(records.get(3).get("SignatureFailures").asDouble()).isEqualTo(1);
        assertThat(records.get(3).get("Front").asText()).isEqualTo("ci");
    }

    private static String stdoutOf(Runnable r) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try {
            r.run();
        } finally {
            System.setOut(out);
        }
        return captured.toString();
    }
}
