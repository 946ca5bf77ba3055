package dev.dolly.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The control plane's Lambda functions: runtime, handler, SnapStart, aliases, logs, VPC. */
class FunctionsTest {
    static final List<String> BEANS = List.of("slackEvents", "ciWebhook", "agentCallback", "userApi", "scheduledRefresh",
            "reaper");
    private final Template template = Synth.standard();

    @Test
    void oneFunctionPerBeanWithTheAwsAdapter() {
        assertThat(ControlFunctions.beans()).containsExactlyElementsOf(BEANS);
        template.resourceCountIs("AWS::Lambda::Function", BEANS.size());
        for (String bean : BEANS) {
            template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                    "FunctionName", "Dolly-" + bean,
                    "Runtime", "java21",
                    "Handler", "org.springframework.cloud.function.adapter.aws.FunctionInvoker::handleRequest",
                    "MemorySize", 1024,
                    "Environment", Map.of("Variables", Match.objectLike(Map.of(
                            "MAIN_CLASS", "dev.dolly.functions.DollyFunctionsApplication",
                            "SPRING_CLOUD_FUNCTION_DEFINITION", bean,
                            "DOLLY_TABLE", Map.of("Ref", Synth.logicalId(Synth.standardJson(), "AWS::DynamoDB::Table", "Table")),
                            "DOLLY_HOSTS", "zfs-1=http://zfs-1.dolly.internal:7070",
                            "DOLLY_ASYNC_ALIAS", "live",
                            "DOLLY_AGENT_SECRET_ARN", Match.objectLike(Map.of("Ref", Match.stringLikeRegexp("SecretsAgentSigningKey.*"))))))));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyFunctionGetsTheControlPlanePartOfHostConfig() throws Exception {
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        var functions = Synth.ofType(Synth.standardJson(), "AWS::Lambda::Function");
        assertThat(functions).hasSize(BEANS.size());
        for (var fn : functions.entrySet()) {
            Map<String, Object> vars = (Map<String, Object>) ((Map<String, Object>) Synth.props(fn.getValue())
                    .get("Environment")).get("Variables");
            assertThat(vars).as(fn.getKey()).containsKey("DOLLY_CONFIG_YAML");
            // what the functions' ConfigLoader does with it: parse it as YAML
            Map<String, Object> config = yaml.readValue((String) vars.get("DOLLY_CONFIG_YAML"), Map.class);
            assertThat(config).as(fn.getKey()).containsOnlyKeys("templates", "grants", "ciKeys", "slack");
            Map<String, Map<String, Object>> templates = (Map<String, Map<String, Object>>) config.get("templates");
            assertThat(templates).containsOnlyKeys("shop", "crm");
            assertThat(templates.get("shop")).containsOnlyKeys("database", "description", "clone", "refresh", "slackChannel")
                    .containsEntry("slackChannel", "#dolly")
                    .containsEntry("clone", Map.of("ttl", "8h", "maxTtl", "72h", "idle", "24h", "memory", "256m"));
            assertThat(templates.get("crm")).containsOnlyKeys("description", "clone");
            assertThat(((List<Map<String, Object>>) config.get("grants"))).extracting(g -> g.get("name"))
                    .containsExactly("developers", "admins");
            assertThat(((List<Map<String, Object>>) config.get("ciKeys"))).extracting(k -> k.get("id")).containsExactly("ci");
            assertThat((Map<String, Object>) config.get("slack")).containsEntry("command", "/dolly");
            assertThat((String) vars.get("DOLLY_CONFIG_YAML"))
                    .doesNotContain("source", "masking", "seed", "agent", "hosts", "127.0.0.1", "passwordEnv", "saltEnv");
            // the host comes from DOLLY_HOSTS, not from the file's local hosts
            assertThat(vars).containsEntry("DOLLY_HOSTS", "zfs-1=http://zfs-1.dolly.internal:7070");
        }
    }

    @Test
    void snapStartOnPublishedVersionsBehindALiveAlias() {
        template.allResourcesProperties("AWS::Lambda::Function", Map.of(
                "SnapStart", Map.of("ApplyOn", "PublishedVersions")));
        template.resourceCountIs("AWS::Lambda::Version", BEANS.size());
        template.resourceCountIs("AWS::Lambda::Alias", BEANS.size());
        template.allResourcesProperties("AWS::Lambda::Alias", Map.of(
                "Name", "live",
                "FunctionVersion", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp(".*CurrentVersion.*"), "Version"))));
    }

    @Test
    void inThePrivateSubnetsWithTheFunctionsSecurityGroup() {
        String sg = Synth.logicalId(Synth.standardJson(), "AWS::EC2::SecurityGroup", "NetworkFunctionsSg");
        template.allResourcesProperties("AWS::Lambda::Function", Map.of("VpcConfig", Map.of(
                "SecurityGroupIds", List.of(Map.of("Fn::GetAtt", List.of(sg, "GroupId"))),
                "SubnetIds", List.of(
                        Map.of("Ref", Match.stringLikeRegexp("NetworkVpcprivateSubnet1.*")),
                        Map.of("Ref", Match.stringLikeRegexp("NetworkVpcprivateSubnet2.*"))))));
    }

    @Test
    void ownLogGroupWithRetention() {
        for (String bean : BEANS) {
            template.hasResourceProperties("AWS::Logs::LogGroup", Map.of(
                    "LogGroupName", "/aws/lambda/Dolly-" + bean, "RetentionInDays", 30));
        }
        template.allResourcesProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 30));
        template.allResourcesProperties("AWS::Lambda::Function", Map.of(
                "LoggingConfig", Map.of("LogGroup", Map.of("Ref", Match.stringLikeRegexp("Functions.*Logs.*")))));
    }

    @Test
    void failedAsyncInvocationsGoToADeadLetterQueue() {
        String dlq = Synth.logicalId(Synth.standardJson(), "AWS::SQS::Queue", "FunctionsAsyncDlq");
        template.allResourcesProperties("AWS::Lambda::Function", Map.of(
                "DeadLetterConfig", Map.of("TargetArn", Map.of("Fn::GetAtt", List.of(dlq, "Arn")))));
        template.resourceCountIs("AWS::Lambda::EventInvokeConfig", BEANS.size());
        // the qualifier is the alias ("live"), taken from its ARN
        template.allResourcesProperties("AWS::Lambda::EventInvokeConfig", Map.of("Qualifier", Map.of(
                "Fn::Select", List.of(7, Map.of("Fn::Split", List.of(":",
                        Map.of("Ref", Match.stringLikeRegexp("Functions.*Alias.*"))))))));
        template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of(
                "FunctionName", Map.of("Ref", Match.stringLikeRegexp("FunctionsReaper.*")),
                "MaximumRetryAttempts", 2));
        template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of(
                "FunctionName", Map.of("Ref", Match.stringLikeRegexp("FunctionsSlackEvents.*")),
                "MaximumRetryAttempts", 0));
    }

    @Test
    void standardStackSynthesizesWithoutWarnings() throws java.io.IOException {
        // read from the cloud assembly (a second synthesis would run the aspects twice)
        Synth.standard();
        String metadata = java.nio.file.Files.readString(Synth.STANDARD_OUTDIR.resolve("Dolly.metadata.json"));
        assertThat(metadata).doesNotContain("aws:cdk:warning", "aws:cdk:error");
    }

    @Test
    void allFunctionsShareOneCodeAsset() {
        var functions = Synth.ofType(Synth.standardJson(), "AWS::Lambda::Function").values();
        assertThat(functions.stream().map(f -> Synth.props(f).get("Code")).distinct()).hasSize(1);
    }
}
