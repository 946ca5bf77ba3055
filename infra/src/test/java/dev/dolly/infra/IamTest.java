package dev.dolly.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Least privilege: each function reaches only the table and its indexes, its own invocation, the
 * secrets it needs and its log group; the host only its secrets, its assets and its pool volume.
 */
class IamTest {
    private final Map<String, Object> json = Synth.standardJson();

    /** The statements of an AWS::IAM::Policy resource. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> statements(Map<String, Object> policy) {
        Map<String, Object> doc = (Map<String, Object>) Synth.props(policy).get("PolicyDocument");
        return (List<Map<String, Object>>) doc.get("Statement");
    }

    @SuppressWarnings("unchecked")
    private static List<String> actions(Map<String, Object> statement) {
        Object a = statement.get("Action");
        return a instanceof List<?> l ? (List<String>) l : List.of((String) a);
    }

    private static List<Object> resources(Map<String, Object> statement) {
        Object r = statement.get("Resource");
        return r instanceof List<?> l ? new ArrayList<>(l) : List.of(r);
    }

    private List<Map<String, Object>> functionPolicy(String functionId) {
        return statements(Synth.ofType(json, "AWS::IAM::Policy").get(
                Synth.logicalId(json, "AWS::IAM::Policy", "Functions" + functionId + "RoleDefaultPolicy")));
    }

    private String ref(String type, String prefix) {
        return Synth.logicalId(json, type, prefix);
    }

    @Test
    void functionRolesHaveNoManagedPolicies() {
        Synth.ofType(json, "AWS::IAM::Role").forEach((id, role) -> {
            if (id.startsWith("Functions")) {
                assertThat(Synth.props(role)).doesNotContainKey("ManagedPolicyArns");
            }
        });
    }

    @Test
    void tableAccessIsScopedToTheTableAndItsIndexes() {
        String table = ref("AWS::DynamoDB::Table", "Table");
        Object tableArn = Map.of("Fn::GetAtt", List.of(table, "Arn"));
        Object indexArn = Map.of("Fn::Join", List.of("", List.of(tableArn, "/index/*")));
        for (String fn : List.of("SlackEvents", "CiWebhook", "AgentCallback", "UserApi", "ScheduledRefresh", "Reaper")) {
            List<Map<String, Object>> dynamo = functionPolicy(fn).stream()
                    .filter(st -> actions(st).stream().anyMatch(a -> a.startsWith("dynamodb:"))).toList();
            assertThat(dynamo).as(fn).hasSize(1);
            assertThat(resources(dynamo.get(0))).as(fn).containsExactly(tableArn, indexArn);
            assertThat(actions(dynamo.get(0))).as(fn)
                    .contains("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query",
                            "dynamodb:ConditionCheckItem")
                    .doesNotContain("dynamodb:*", "dynamodb:Scan", "dynamodb:DeleteTable", "dynamodb:CreateTable");
        }
    }

    @Test
    void wildcardsOnlyWhereAwsAllowsNoScoping() {
        Synth.ofType(json, "AWS::IAM::Policy").forEach((id, policy) -> {
            for (Map<String, Object> st : statements(policy)) {
                assertThat(actions(st)).as(id).noneMatch(a -> a.endsWith(":*") || a.equals("*"));
                if (resources(st).contains("*")) {
                    // ENIs of VPC Lambdas, DescribeVolumes, and PutMetricData limited to the Dolly namespace
                    assertThat(actions(st)).as(id).allMatch(a -> a.startsWith("ec2:Describe")
                            || Set.of("ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
                                    "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses").contains(a)
                            || a.equals("cloudwatch:PutMetricData"));
                    if (actions(st).contains("cloudwatch:PutMetricData")) {
                        assertThat(st.get("Condition")).isEqualTo(Map.of("StringEquals",
                                Map.of("cloudwatch:namespace", "Dolly")));
                    }
                }
            }
        });
    }

    @Test
    void functionsMayInvokeOnlyThemselves() {
        for (String bean : List.of("slackEvents", "ciWebhook", "agentCallback", "userApi", "scheduledRefresh", "reaper")) {
            String fn = Character.toUpperCase(bean.charAt(0)) + bean.substring(1);
            List<Map<String, Object>> invoke = functionPolicy(fn).stream()
                    .filter(st -> actions(st).contains("lambda:InvokeFunction")).toList();
            assertThat(invoke).as(bean).hasSize(1);
            List<Object> arns = resources(invoke.get(0));
            assertThat(arns).as(bean).hasSize(2);
            assertThat(arns.get(0).toString()).as(bean).endsWith(":function:Dolly-" + bean + "]]}");
            assertThat(arns.get(1).toString()).as(bean).endsWith(":function:Dolly-" + bean + ":*]]}");
        }
    }

    @Test
    void eachFunctionReadsOnlyTheSecretsItNeeds() {
        String signing = ref("AWS::SecretsManager::Secret", "SecretsSlackSigningSecret");
        String bot = ref("AWS::SecretsManager::Secret", "SecretsSlackBotToken");
        String agent = ref("AWS::SecretsManager::Secret", "SecretsAgentSigningKey");
        String ci = ref("AWS::SecretsManager::Secret", "SecretsCiKeyci");
        String nightly = ref("AWS::SecretsManager::Secret", "SecretsCiKeynightly");
        String hostEnv = ref("AWS::SecretsManager::Secret", "SecretsHostEnvironment");
        assertThat(secretsReadBy("SlackEvents")).containsExactlyInAnyOrder(signing, bot, agent);
        assertThat(secretsReadBy("CiWebhook")).containsExactlyInAnyOrder(ci, nightly, bot, agent);
        assertThat(secretsReadBy("AgentCallback")).containsExactlyInAnyOrder(agent, bot);
        assertThat(secretsReadBy("UserApi")).containsExactlyInAnyOrder(agent, bot);
        assertThat(secretsReadBy("ScheduledRefresh")).containsExactlyInAnyOrder(agent, bot);
        assertThat(secretsReadBy("Reaper")).containsExactlyInAnyOrder(agent, bot);
        assertThat(secretRefs(statements(Synth.ofType(json, "AWS::IAM::Policy")
                .get(ref("AWS::IAM::Policy", "ZfsHostRoleDefaultPolicy"))))).containsExactlyInAnyOrder(agent, hostEnv);
    }

    private List<String> secretsReadBy(String fn) {
        return secretRefs(functionPolicy(fn));
    }

    @SuppressWarnings("unchecked")
    private static List<String> secretRefs(List<Map<String, Object>> statements) {
        List<String> refs = new ArrayList<>();
        for (Map<String, Object> st : statements) {
            if (actions(st).contains("secretsmanager:GetSecretValue")) {
                assertThat(actions(st)).containsOnly("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret");
                resources(st).forEach(r -> refs.add((String) ((Map<String, Object>) r).get("Ref")));
            }
        }
        return refs;
    }

    @Test
    void logsOnlyToTheirOwnLogGroup() {
        List<Map<String, Object>> logs = functionPolicy("Reaper").stream()
                .filter(st -> actions(st).stream().anyMatch(a -> a.startsWith("logs:"))).toList();
        assertThat(logs).hasSize(1);
        assertThat(resources(logs.get(0))).containsExactly(
                Map.of("Fn::GetAtt", List.of(ref("AWS::Logs::LogGroup", "FunctionsReaperLogs"), "Arn")));
    }

    @Test
    void hostAttachesOnlyItsOwnPoolVolumeAndDownloadsOnlyItsAssets() {
        List<Map<String, Object>> host = statements(Synth.ofType(json, "AWS::IAM::Policy")
                .get(ref("AWS::IAM::Policy", "ZfsHostRoleDefaultPolicy")));
        Map<String, Object> attach = host.stream().filter(st -> actions(st).contains("ec2:AttachVolume")).findFirst()
                .orElseThrow();
        assertThat(resources(attach).get(0).toString()).contains(":volume/", ref("AWS::EC2::Volume", "ZfsHostPoolVolume"));
        assertThat(attach.get("Condition")).isEqualTo(Map.of("StringEquals",
                Map.of("aws:ResourceTag/dolly:zfs-host", "Dolly")));
        Map<String, Object> s3 = host.stream().filter(st -> actions(st).contains("s3:GetObject")).findFirst()
                .orElseThrow();
        assertThat(actions(s3)).containsExactly("s3:GetObject");
        assertThat(resources(s3).toString()).contains(".jar").doesNotContain("/*");
    }
}
