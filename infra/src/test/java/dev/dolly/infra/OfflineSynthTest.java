package dev.dolly.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Runs the real entry point the way infra/synth.sh and the CDK CLI do (a separate JVM, context in
 * CDK_CONTEXT_JSON, output to CDK_OUTDIR), with known secret values planted in its environment and
 * context, and a non-default configuration. Asserts that no secret reaches the cloud assembly.
 */
class OfflineSynthTest {
    /** Values that must never appear in what synthesis writes. */
    static final List<String> PLANTED = List.of(
            "planted-agent-key-7c1d9e",
            "planted-slack-signing-5b2a8f",
            "xoxb-planted-bot-token-3e6c",
            "planted-ci-key-9f4b1a",
            "planted-source-password-2d7e");

    static Path outdir;
    static Template template;
    static Map<String, Object> json;

    @BeforeAll
    static void synthInAChildJvm() throws Exception {
        outdir = Synth.outdir("offline");
        Path hostConfig = Synth.TARGET.resolve("test-host-config.yaml");
        Files.writeString(hostConfig, "agent:\n  listen: 0.0.0.0:7171\ntemplates: {}\n");

        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("functionsJar", Synth.jar("functions").toString());
        ctx.put("agentJar", Synth.jar("agent").toString());
        ctx.put("stackName", "DollyStaging");
        ctx.put("templates", Map.of("shop", "cron(30 2 * * ? *)"));
        ctx.put("scheduleTimezone", "Europe/Berlin");
        ctx.put("instanceType", "m7g.xlarge");
        ctx.put("lambdaRuntime", "java17");
        ctx.put("interfaceEndpoints", "true");
        ctx.put("clonePeerCidrs", "10.8.0.0/16");
        ctx.put("agentPort", "7171");
        ctx.put("poolSizeGiB", "750");
        ctx.put("logRetentionDays", "90");
        ctx.put("hostConfig", hostConfig.toString());
        // secrets a careless operator might hand over: Dolly must not read (let alone write) them
        ctx.put("slack", Map.of("signing", PLANTED.get(1), "bot", PLANTED.get(2)));
        ctx.put("notes", "source password is " + PLANTED.get(4));

        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + Synth.TARGET.resolve("tmp"),
                "-cp", System.getProperty("java.class.path"),
                DollyApp.class.getName());
        pb.environment().put("CDK_OUTDIR", outdir.toString());
        pb.environment().put("CDK_CONTEXT_JSON", new ObjectMapper().writeValueAsString(ctx));
        pb.environment().put("DOLLY_AGENT_SECRET", PLANTED.get(0));
        pb.environment().put("SLACK_SIGNING_SECRET", PLANTED.get(1));
        pb.environment().put("SLACK_BOT_TOKEN", PLANTED.get(2));
        pb.environment().put("DOLLY_CI_KEY_CI", PLANTED.get(3));
        pb.environment().put("SHOP_SOURCE_PASSWORD", PLANTED.get(4));
        pb.environment().remove("CDK_DEFAULT_ACCOUNT");
        pb.environment().remove("CDK_DEFAULT_REGION");
        Path log = Synth.TARGET.resolve("offline-synth.log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("synthesis finished within 180 s").isTrue();
        assertThat(p.exitValue()).as("synthesis exit code; log:\n" + Files.readString(log)).isZero();

        String text = Files.readString(outdir.resolve("DollyStaging.template.json"));
        template = Template.fromString(text);
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = new ObjectMapper().readValue(text, Map.class);
        json = parsed;
    }

    @Test
    void noPlantedSecretAnywhereInTheCloudAssembly() throws IOException {
        List<Path> scanned = new ArrayList<>();
        try (var files = Files.walk(outdir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                // asset.* are copies of the jars and the operator's host config, not generated output
                if (outdir.relativize(f).toString().startsWith("asset.")) {
                    continue;
                }
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String secret : PLANTED) {
                    assertThat(content).as(f + " contains a planted secret").doesNotContain(secret);
                }
                scanned.add(f);
            }
        }
        assertThat(scanned).extracting(f -> f.getFileName().toString())
                .contains("DollyStaging.template.json", "manifest.json", "DollyStaging.assets.json");
    }

    @Test
    void secretsAreGeneratedAtDeployTimeNeverWrittenIntoTheTemplate() {
        assertNoSecretValues(json);
        assertNoSecretValues(Synth.standardJson());
    }

    @SuppressWarnings("unchecked")
    static void assertNoSecretValues(Map<String, Object> template) {
        var secrets = Synth.ofType(template, "AWS::SecretsManager::Secret");
        assertThat(secrets).isNotEmpty();
        secrets.forEach((id, s) -> assertThat(Synth.props(s)).as(id)
                .containsKey("GenerateSecretString").doesNotContainKey("SecretString"));
        Synth.ofType(template, "AWS::Lambda::Function").forEach((id, fn) -> {
            Map<String, Object> vars = (Map<String, Object>) ((Map<String, Object>) Synth.props(fn).get("Environment"))
                    .get("Variables");
            vars.forEach((name, value) -> {
                if (name.endsWith("_ARNS")) {
                    // id=arn,id=arn: every ARN a reference, no literal value
                    assertThat(value.toString()).as(id + " " + name).contains("Ref=Secrets");
                } else if (name.matches(".*(SECRET|TOKEN|KEY|PASSWORD).*")) {
                    assertThat(name).as(id).endsWith("_ARN");
                    assertThat(value).as(id + " " + name + " must be a reference to a secret, not a value")
                            .isInstanceOf(Map.class);
                }
            });
        });
    }

    @Test
    void unknownContextKeysAreReportedByNameOnly() throws IOException {
        String metadata = Files.readString(outdir.resolve("DollyStaging.metadata.json"));
        assertThat(metadata).contains("context key 'slack' is not a Dolly parameter", "context key 'notes' is not");
        String log = Files.readString(Synth.TARGET.resolve("offline-synth.log"));
        for (String secret : PLANTED) {
            assertThat(log).doesNotContain(secret);
        }
    }

    @Test
    void environmentAgnosticWhenNoAccountOrRegionIsGiven() {
        template.hasResourceProperties("AWS::ApiGatewayV2::Api", Map.of("Name", "DollyStaging"));
        assertThat(json.toString()).doesNotContain("123456789012");
        template.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", "DollyStaging-reaper"));
    }

    @Test
    void honoursTheNonDefaultContext() {
        template.allResourcesProperties("AWS::Lambda::Function", Map.of("Runtime", "java17"));
        template.hasResourceProperties("AWS::EC2::Instance", Map.of(
                "InstanceType", "m7g.xlarge",
                "ImageId", "resolve:ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id"));
        template.hasResourceProperties("AWS::EC2::Volume", Map.of("Size", 750));
        template.hasResourceProperties("AWS::Scheduler::Schedule", Map.of(
                "ScheduleExpression", "cron(30 2 * * ? *)", "ScheduleExpressionTimezone", "Europe/Berlin"));
        template.allResourcesProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 90));
        // interface endpoints in addition to the two gateway endpoints
        template.resourceCountIs("AWS::EC2::VPCEndpoint", 2 + 6);
        template.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of(
                "VpcEndpointType", "Interface", "PrivateDnsEnabled", true,
                "ServiceName", Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(
                        Match.arrayWith(List.of(".secretsmanager"))))))));
        // the agent port moved; clone ports open to the VPN range only
        template.hasResourceProperties("AWS::EC2::SecurityGroupIngress", Map.of(
                "FromPort", 7171, "ToPort", 7171, "SourceSecurityGroupId", Match.anyValue()));
        template.hasResourceProperties("AWS::EC2::SecurityGroup", Map.of(
                "GroupDescription", Match.stringLikeRegexp("Dolly ZFS host.*"),
                "SecurityGroupIngress", List.of(Map.of("CidrIp", "10.8.0.0/16", "IpProtocol", "tcp",
                        "FromPort", 6000, "ToPort", 6099, "Description", Match.anyValue()))));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables",
                Match.objectLike(Map.of("DOLLY_HOSTS", "zfs-1=http://zfs-1.dolly.internal:7171")))));
    }

    @Test
    void hostConfigIsShippedAsAnAssetAndReadableOnlyByTheHost() throws IOException {
        String assets = Files.readString(outdir.resolve("DollyStaging.assets.json"));
        assertThat(assets).contains(".yaml");
        try (var files = Files.list(outdir)) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.startsWith("asset.") && n.endsWith(".yaml"));
        }
        assertThat(json.toString()).containsPattern(
                "HOST_CONFIG_URL=', \\{Fn::Sub=s3://cdk-hnb659fds-assets-\\$\\{AWS::AccountId}-\\$\\{AWS::Region}/[0-9a-f]+\\.yaml}");
        assertThat(new File(outdir.toFile(), "DollyStaging.template.json")).exists();
    }
}
