package dev.dolly.infra;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.ec2.BlockDevice;
import software.amazon.awscdk.services.ec2.CfnInstance;
import software.amazon.awscdk.services.ec2.CfnLaunchTemplate;
import software.amazon.awscdk.services.ec2.BlockDeviceVolume;
import software.amazon.awscdk.services.ec2.EbsDeviceOptions;
import software.amazon.awscdk.services.ec2.EbsDeviceVolumeType;
import software.amazon.awscdk.services.ec2.IMachineImage;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.Instance;
import software.amazon.awscdk.services.ec2.InstanceArchitecture;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.MachineImage;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.UserData;
import software.amazon.awscdk.services.ec2.Volume;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.route53.ARecord;
import software.amazon.awscdk.services.route53.IHostedZone;
import software.amazon.awscdk.services.route53.RecordTarget;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.constructs.Construct;

/**
 * The ZFS host: one EC2 instance in a private subnet, a separate encrypted gp3 volume holding the
 * pool (kept, and snapshotted on stack deletion), and user data that installs OpenZFS, Docker and
 * the agent (a systemd unit), imports or creates the pool and builds the PostgreSQL image, and the CloudWatch agent
 * that scrapes the agent's /metrics into {@value HostMetrics#NAMESPACE} ({@link HostMetrics}).
 * No SSH: operators use Session Manager.
 */
final class ZfsHost extends Construct {
    /** The host id the control plane knows it by. */
    static final String HOST_ID = "zfs-1";
    /** Tag on the instance and its pool volume; scopes the instance's own ec2:AttachVolume. */
    static final String HOST_TAG = "dolly:zfs-host";
    static final String UBUNTU_AMI_PARAMETER = "/aws/service/canonical/ubuntu/server/24.04/stable/current/%s/hvm/ebs-gp3/ami-id";

    final Instance instance;
    final Volume poolVolume;
    final Role role;
    /** Where the host's CloudWatch agent writes the agent's series (namespace {@value HostMetrics#NAMESPACE}). */
    final LogGroup metricsLogGroup;

    /**
     * @param hostName    the host's DNS name in {@code zone}
     * @param callbackUrl where the agent reports back (the HTTP API's /agent/callback)
     */
    ZfsHost(Construct scope, String id, DollyConfig config, Network network, Secrets secrets, IHostedZone zone,
            String hostName, String callbackUrl) {
        super(scope, id);
        Stack stack = Stack.of(this);
        Path agentJarPath = Jars.require(config.agentJar(), "The host agent jar", "agentJar", Jars.AGENT_BUILD);
        Asset agentJar = Asset.Builder.create(this, "AgentJar").path(agentJarPath.toString()).build();
        Asset hostConfig = null;
        if (config.hostConfig() != null) {
            Path path = config.hostConfig().toAbsolutePath().normalize();
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("context 'hostConfig': no such file " + path);
            }
            hostConfig = Asset.Builder.create(this, "HostConfig").path(path.toString()).build();
        }

        ISubnet subnet = network.vpc.selectSubnets(network.privateSubnets).getSubnets().get(0);

        role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .description("Dolly ZFS host: its secrets, its agent jar, its own pool volume; Session Manager")
                .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName("AmazonSSMManagedInstanceCore")))
                .build();

        poolVolume = Volume.Builder.create(this, "PoolVolume")
                .availabilityZone(subnet.getAvailabilityZone())
                .volumeType(EbsDeviceVolumeType.GP3)
                .size(Size.gibibytes(config.poolSizeGiB()))
                .iops(config.poolIops())
                .throughput(config.poolThroughputMiBps())
                .encrypted(true)
                .removalPolicy(RemovalPolicy.SNAPSHOT)
                .build();
        Tags.of(poolVolume).add(HOST_TAG, config.stackName());
        Tags.of(poolVolume).add("Name", config.stackName() + "-" + HOST_ID + "-pool");

        String volumeArn = stack.formatArn(ArnComponents.builder()
                .service("ec2").resource("volume").resourceName(poolVolume.getVolumeId()).build());
        String anyInstanceArn = stack.formatArn(ArnComponents.builder()
                .service("ec2").resource("instance").resourceName("*").build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .sid("AttachOwnPoolVolume")
                .effect(Effect.ALLOW)
                .actions(List.of("ec2:AttachVolume"))
                .resources(List.of(volumeArn, anyInstanceArn))
                .conditions(Map.of("StringEquals", Map.of("aws:ResourceTag/" + HOST_TAG, config.stackName())))
                .build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .sid("DescribeVolumes")
                .effect(Effect.ALLOW)
                .actions(List.of("ec2:DescribeVolumes"))
                .resources(List.of("*"))
                .build());
        secrets.agentSigningKey.grantRead(role);
        secrets.hostEnvironment.grantRead(role);
        // exactly the objects it downloads, not the whole asset bucket
        List<String> objects = new java.util.ArrayList<>(List.of(agentJar.getBucket().arnForObjects(agentJar.getS3ObjectKey())));
        if (hostConfig != null) {
            objects.add(hostConfig.getBucket().arnForObjects(hostConfig.getS3ObjectKey()));
        }
        role.addToPolicy(PolicyStatement.Builder.create()
                .sid("DownloadAgentAssets")
                .effect(Effect.ALLOW)
                .actions(List.of("s3:GetObject"))
                .resources(objects)
                .build());

        // the CloudWatch agent's embedded-metric-format log of the agent's series (HostMetrics); it writes there only
        metricsLogGroup = LogGroup.Builder.create(this, "MetricsLogs")
                .retention(DollyStack.retention(config.logRetentionDays()))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        metricsLogGroup.grantWrite(role);
        role.addToPolicy(PolicyStatement.Builder.create()
                .sid("CloudWatchAgentLogStreams")
                .effect(Effect.ALLOW)
                .actions(List.of("logs:DescribeLogStreams"))
                .resources(List.of(metricsLogGroup.getLogGroupArn()))
                .build());

        Map<String, String> values = new LinkedHashMap<>();
        values.put("REGION", stack.getRegion());
        values.put("VOLUME_ID", poolVolume.getVolumeId());
        values.put("POOL", config.poolName());
        values.put("AGENT_PORT", Integer.toString(config.agentPort()));
        values.put("CLONE_PORTS", config.clonePortFrom() + "-" + config.clonePortTo());
        values.put("AGENT_JAR_URL", agentJar.getS3ObjectUrl());
        values.put("HOST_CONFIG_URL", hostConfig == null ? "" : hostConfig.getS3ObjectUrl());
        values.put("AGENT_SECRET_ARN", secrets.agentSigningKey.getSecretArn());
        values.put("HOST_ENV_SECRET_ARN", secrets.hostEnvironment.getSecretArn());
        values.put("HOST_NAME", hostName);
        values.put("CALLBACK_URL", callbackUrl);
        values.put("TEMPLATES", String.join(" ", config.templates().keySet()));
        values.put("HOST_ID", HOST_ID);
        values.put("METRICS_LOG_GROUP", metricsLogGroup.getLogGroupName());
        UserData userData = UserData.custom(renderBootstrap(values));

        InstanceType instanceType = new InstanceType(config.instanceType());
        instance = Instance.Builder.create(this, "Instance")
                .vpc(network.vpc)
                .vpcSubnets(SubnetSelection.builder().subnets(List.of(subnet)).build())
                .securityGroup(network.hostSg)
                .role(role)
                .instanceType(instanceType)
                .machineImage(machineImage(config, instanceType))
                .userData(userData)
                // the pool lives on its own volume, so a new agent jar or bootstrap rolls a fresh host
                .userDataCausesReplacement(true)
                .blockDevices(List.of(BlockDevice.builder()
                        .deviceName("/dev/sda1")
                        .volume(BlockDeviceVolume.ebs(30, EbsDeviceOptions.builder()
                                .volumeType(EbsDeviceVolumeType.GP3).encrypted(true).deleteOnTermination(true).build()))
                        .build()))
                .build();
        requireImdsV2WithHopLimitOne(instance);
        // resolve:ssm: image ids are resolved by EC2 at launch, which the template validator does not know
        acknowledge(instance, "CloudFormation-Validate::E1152", "resolve:ssm: parameter as ImageId");
        Tags.of(instance).add(HOST_TAG, config.stackName());
        Tags.of(instance).add("Name", config.stackName() + "-" + HOST_ID);

        ARecord record = ARecord.Builder.create(this, "DnsRecord")
                .zone(zone)
                .recordName(HOST_ID)
                .target(RecordTarget.fromIpAddresses(instance.getInstancePrivateIp()))
                .ttl(Duration.minutes(1))
                .build();
        acknowledge(record, "CloudFormation-Validate::E3023",
                "the record's address is the instance's private IP (Fn::GetAtt), known only at deploy time");
    }

    /**
     * IMDSv2 only, and a PUT response hop limit of 1 set explicitly: a token never reaches a process
     * one network hop away, such as a clone's container (the host firewall drops the address too).
     * CDK's {@code requireImdsv2} leaves the hop limit to the AMI's default; this launch template
     * states both.
     */
    private void requireImdsV2WithHopLimitOne(Instance instance) {
        CfnLaunchTemplate lt = CfnLaunchTemplate.Builder.create(this, "LaunchTemplate")
                .launchTemplateData(CfnLaunchTemplate.LaunchTemplateDataProperty.builder()
                        .metadataOptions(CfnLaunchTemplate.MetadataOptionsProperty.builder()
                                .httpTokens("required")
                                .httpPutResponseHopLimit(1)
                                .httpEndpoint("enabled")
                                .build())
                        .build())
                .build();
        ((CfnInstance) instance.getNode().getDefaultChild()).setLaunchTemplate(CfnInstance.LaunchTemplateSpecificationProperty.builder()
                .launchTemplateId(lt.getRef())
                .version(lt.getAttrLatestVersionNumber())
                .build());
    }

    private static void acknowledge(Construct construct, String rule, String reason) {
        Validations.of(construct).acknowledge(Acknowledgment.builder().id(rule).reason(reason).build());
    }

    private static IMachineImage machineImage(DollyConfig config, InstanceType type) {
        if (config.amiId() != null) {
            if (config.region() == null) {
                throw new IllegalArgumentException("context 'amiId' needs context 'region' (an AMI id is regional)");
            }
            return MachineImage.genericLinux(Map.of(config.region(), config.amiId()));
        }
        String arch = type.getArchitecture() == InstanceArchitecture.ARM_64 ? "arm64" : "amd64";
        // resolved when the instance launches: a new Ubuntu release does not replace a running host
        return MachineImage.resolveSsmParameterAtLaunch(String.format(UBUNTU_AMI_PARAMETER, arch));
    }

    /** Where bootstrap.sh takes in host/firewall.sh (the same script `./dolly setup` runs). */
    static final String FIREWALL_MARKER = "#>>> host/firewall.sh <<<#";

    private static String resource(String name) {
        try (InputStream in = ZfsHost.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource dev/dolly/infra/" + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }

    /** The bootstrap script with every {@code @@NAME@@} replaced; fails on an unknown or missing name. */
    static String renderBootstrap(Map<String, String> values) {
        String script;
        try (InputStream in = ZfsHost.class.getResourceAsStream("host/bootstrap.sh")) {
            if (in == null) {
                throw new IllegalStateException("resource dev/dolly/infra/host/bootstrap.sh is missing");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the host bootstrap script", e);
        }
        script = script.replace(FIREWALL_MARKER, resource("host/firewall.sh").strip())
                .replace(HostMetrics.SCRAPE_CONFIG_MARKER, resource(HostMetrics.SCRAPE_CONFIG).strip())
                .replace(HostMetrics.AGENT_CONFIG_MARKER, resource(HostMetrics.AGENT_CONFIG).strip());
        for (Map.Entry<String, String> v : values.entrySet()) {
            String placeholder = "@@" + v.getKey() + "@@";
            if (!script.contains(placeholder)) {
                throw new IllegalStateException("bootstrap.sh has no placeholder " + placeholder);
            }
            if (v.getValue().contains("'")) {
                throw new IllegalArgumentException(v.getKey() + " must not contain a single quote: " + v.getValue());
            }
            script = script.replace(placeholder, v.getValue());
        }
        int left = script.indexOf("@@");
        if (left >= 0) {
            throw new IllegalStateException("bootstrap.sh placeholder without a value near: "
                    + script.substring(left, Math.min(script.length(), left + 40)));
        }
        return script;
    }
}
