package dev.dolly.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The VPC, the security groups and the ZFS host (instance, pool volume, user data, DNS name). */
class NetworkAndHostTest {
    private final Template template = Synth.standard();
    private final Map<String, Object> json = Synth.standardJson();

    private String hostSg() {
        return Synth.logicalId(json, "AWS::EC2::SecurityGroup", "NetworkHostSg");
    }

    private String functionsSg() {
        return Synth.logicalId(json, "AWS::EC2::SecurityGroup", "NetworkFunctionsSg");
    }

    @Test
    void natForSlackAndPackagesGatewayEndpointsForDynamoDbAndS3() {
        template.resourceCountIs("AWS::EC2::NatGateway", 1);
        template.resourceCountIs("AWS::EC2::VPCEndpoint", 2);
        template.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Gateway",
                "ServiceName", Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(
                        Match.arrayWith(List.of(".dynamodb"))))))));
        template.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Gateway",
                "ServiceName", Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(
                        Match.arrayWith(List.of(".s3"))))))));
        // no AZ is hard-coded or looked up: the region's first two, at deploy time
        template.hasResourceProperties("AWS::EC2::Subnet", Map.of(
                "AvailabilityZone", Map.of("Fn::Select", List.of(0, Map.of("Fn::GetAZs", "")))));
    }

    @Test
    void hostAdmitsTheAgentPortOnlyFromTheFunctions() {
        template.hasResourceProperties("AWS::EC2::SecurityGroup", Map.of(
                "GroupDescription", Match.stringLikeRegexp("Dolly ZFS host.*"),
                "SecurityGroupIngress", Match.absent()));
        template.resourceCountIs("AWS::EC2::SecurityGroupIngress", 1);
        template.hasResourceProperties("AWS::EC2::SecurityGroupIngress", Map.of(
                "GroupId", Map.of("Fn::GetAtt", List.of(hostSg(), "GroupId")),
                "SourceSecurityGroupId", Map.of("Fn::GetAtt", List.of(functionsSg(), "GroupId")),
                "IpProtocol", "tcp", "FromPort", 7070, "ToPort", 7070));
    }

    @Test
    void functionsMayOpenOnlyHttpsAndTheAgentPort() {
        template.hasResourceProperties("AWS::EC2::SecurityGroup", Map.of(
                "GroupDescription", Match.stringLikeRegexp("Dolly functions.*"),
                "SecurityGroupEgress", List.of(Map.of(
                        "CidrIp", "0.0.0.0/0", "IpProtocol", "tcp", "FromPort", 443, "ToPort", 443,
                        "Description", Match.anyValue()))));
        template.resourceCountIs("AWS::EC2::SecurityGroupEgress", 1);
        template.hasResourceProperties("AWS::EC2::SecurityGroupEgress", Map.of(
                "GroupId", Map.of("Fn::GetAtt", List.of(functionsSg(), "GroupId")),
                "DestinationSecurityGroupId", Map.of("Fn::GetAtt", List.of(hostSg(), "GroupId")),
                "FromPort", 7070, "ToPort", 7070));
    }

    @Test
    void hostIsOneInstanceInAPrivateSubnetWithImdsV2() {
        template.resourceCountIs("AWS::EC2::Instance", 1);
        template.hasResourceProperties("AWS::EC2::Instance", Map.of(
                "InstanceType", "m6i.large",
                "SubnetId", Map.of("Ref", Match.stringLikeRegexp("NetworkVpcprivateSubnet1.*")),
                "SecurityGroupIds", List.of(Map.of("Fn::GetAtt", List.of(hostSg(), "GroupId"))),
                "ImageId", "resolve:ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
                "BlockDeviceMappings", List.of(Map.of("DeviceName", "/dev/sda1", "Ebs", Map.of(
                        "VolumeSize", 30, "VolumeType", "gp3", "Encrypted", true, "DeleteOnTermination", true)))));
        // IMDSv2 only, hop limit 1 stated explicitly (a container is one hop away), and the instance uses it
        template.resourceCountIs("AWS::EC2::LaunchTemplate", 1);
        template.hasResourceProperties("AWS::EC2::LaunchTemplate", Map.of("LaunchTemplateData", Map.of(
                "MetadataOptions", Map.of("HttpTokens", "required", "HttpPutResponseHopLimit", 1, "HttpEndpoint", "enabled"))));
        template.hasResourceProperties("AWS::EC2::Instance", Map.of("LaunchTemplate", Map.of(
                "LaunchTemplateId", Map.of("Ref", Match.stringLikeRegexp("ZfsHostLaunchTemplate.*")))));
        // no public address, no SSH key
        template.hasResourceProperties("AWS::EC2::Instance", Map.of("KeyName", Match.absent()));
        template.hasResourceProperties("AWS::EC2::Subnet", Map.of(
                "MapPublicIpOnLaunch", false,
                "Tags", Match.arrayWith(List.of(Map.of("Key", "aws-cdk:subnet-type", "Value", "Private")))));
    }

    @Test
    void poolLivesOnASeparateGp3VolumeThatOutlivesTheHost() {
        template.resourceCountIs("AWS::EC2::Volume", 1);
        template.hasResource("AWS::EC2::Volume", Map.of(
                "Properties", Match.objectLike(Map.of(
                        "VolumeType", "gp3", "Size", 200, "Iops", 3000, "Throughput", 125, "Encrypted", true,
                        // same AZ as the host's subnet
                        "AvailabilityZone", Map.of("Fn::Select", List.of(0, Map.of("Fn::GetAZs", ""))),
                        "Tags", Match.arrayWith(List.of(Map.of("Key", "dolly:zfs-host", "Value", "Dolly"))))),
                "DeletionPolicy", "Snapshot",
                "UpdateReplacePolicy", "Snapshot"));
        // attached by the host itself (so a replaced host can take it over), not by CloudFormation
        template.resourceCountIs("AWS::EC2::VolumeAttachment", 0);
    }

    @Test
    void userDataInstallsZfsDockerAndTheAgentUnitAndBuildsTheImage() {
        String userData = userData();
        assertThat(userData)
                .contains("apt-get install", "zfsutils-linux", "docker.io", "openjdk-17-jre-headless")
                .contains("aws ec2 attach-volume --volume-id \"$VOLUME_ID\"")
                .contains("zpool import -f", "zpool create")
                .contains("systemctl enable --now docker")
                .contains("debootstrap --variant=minbase --include=\"postgresql-$PG_MAJOR", "docker import")
                .contains("/etc/systemd/system/dolly-agent.service", "systemctl enable dolly-agent",
                        "ExecStart=/usr/bin/java -XX:MaxRAMPercentage=25 -jar /opt/dolly/dolly-host-agent.jar")
                .contains("POOL='dolly'", "AGENT_PORT='7070'", "CLONE_PORTS='6000-6099'", "REGION='eu-west-1'",
                        "HOST_NAME='zfs-1.dolly.internal'", "TEMPLATES='shop crm'")
                .contains("AGENT_JAR_URL='s3://cdk-hnb659fds-assets-123456789012-eu-west-1/")
                // secrets are fetched by ARN at each agent start, never embedded
                .contains("secretsmanager get-secret-value", "AGENT_SECRET_ARN='{Ref=SecretsAgentSigningKey")
                .doesNotContain("@@");
    }

    @Test
    void bootstrapIsolatesClonesWithTheFirewallRules() {
        String userData = userData();
        assertThat(userData)
                // the firewall script is inlined (no marker left) and run at every boot before the agent
                .doesNotContain(ZfsHost.FIREWALL_MARKER)
                .contains("cat >/usr/local/lib/dolly/firewall <<'DOLLY_FIREWALL'")
                .contains("ExecStart=/usr/local/lib/dolly/firewall apply", "systemctl enable dolly-firewall",
                        "/usr/local/lib/dolly/firewall check")
                .contains("Requires=docker.service dolly-firewall.service")
                // a network with inter-container traffic off, on a named bridge
                .contains("--opt com.docker.network.bridge.enable_icc=false", "com.docker.network.bridge.name=$BRIDGE")
                // containers on the bridge reach nothing they start: not the host, not other containers, not metadata
                .contains("\"-m conntrack --ctstate ESTABLISHED,RELATED -j RETURN\"", "\"-j DROP\"")
                .contains("first INPUT -i \"$BRIDGE\" -j DOLLY-ISOLATE")
                .contains("first DOCKER-USER -i \"$BRIDGE\" -j DOLLY-ISOLATE")
                .contains("METADATA=169.254.169.254/32", "first DOCKER-USER -d \"$METADATA\" -j DROP");
        // installed before the agent is started
        assertThat(userData.indexOf("systemctl enable dolly-firewall")).isLessThan(userData.indexOf("systemctl restart dolly-agent"));
    }

    @Test
    void hostHasADnsNameInThePrivateZone() {
        template.hasResourceProperties("AWS::Route53::HostedZone", Map.of("Name", "dolly.internal."));
        template.hasResourceProperties("AWS::Route53::RecordSet", Map.of(
                "Name", "zfs-1.dolly.internal.", "Type", "A",
                "ResourceRecords", List.of(Map.of("Fn::GetAtt",
                        List.of(Synth.logicalId(json, "AWS::EC2::Instance", "ZfsHostInstance"), "PrivateIp")))));
    }

    @Test
    void bootstrapRenderingRefusesUnknownAndMissingPlaceholders() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ZfsHost.renderBootstrap(Map.of("NOPE", "x")))
                .hasMessageContaining("no placeholder @@NOPE@@");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ZfsHost.renderBootstrap(Map.of("POOL", "x")))
                .hasMessageContaining("placeholder without a value");
    }

    @Test
    void renderedBootstrapIsValidBash() throws Exception {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (String key : List.of("REGION", "VOLUME_ID", "POOL", "AGENT_PORT", "CLONE_PORTS", "AGENT_JAR_URL",
                "HOST_CONFIG_URL", "AGENT_SECRET_ARN", "HOST_ENV_SECRET_ARN", "HOST_NAME", "CALLBACK_URL", "TEMPLATES", "HOST_ID",
                "METRICS_LOG_GROUP")) {
            values.put(key, "x");
        }
        java.nio.file.Path script = Synth.TARGET.resolve("bootstrap-rendered.sh");
        java.nio.file.Files.writeString(script, ZfsHost.renderBootstrap(values));
        Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        String out = new String(bash.getInputStream().readAllBytes());
        assertThat(bash.waitFor()).as(out).isZero();
    }

    /** The user data with CloudFormation references rendered as {Ref=...} text. */
    @SuppressWarnings("unchecked")
    private String userData() {
        Map<String, Object> instance = Synth.ofType(json, "AWS::EC2::Instance").values().iterator().next();
        Map<String, Object> b64 = (Map<String, Object>) Synth.props(instance).get("UserData");
        Map<String, Object> join = (Map<String, Object>) b64.get("Fn::Base64");
        List<Object> parts = (List<Object>) ((List<Object>) join.get("Fn::Join")).get(1);
        StringBuilder sb = new StringBuilder();
        parts.forEach(sb::append);
        return sb.toString();
    }
}
