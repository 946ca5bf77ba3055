package dev.dolly.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.constructs.Construct;

/**
 * The VPC and the two security groups.
 *
 * <p>Egress: the functions call Slack's Web API and {@code response_url}s, and the host installs
 * packages and reads the production sources; neither has a VPC endpoint, so private subnets route
 * through NAT. DynamoDB and S3 use free gateway endpoints; interface endpoints for the other AWS
 * APIs are optional ({@code interfaceEndpoints}).
 *
 * <p>The host's security group admits the agent port only from the functions' group (and the
 * clone ports only from {@code clonePeerCidrs}, if any); the functions may open only HTTPS and
 * the agent port.
 */
final class Network extends Construct {
    final Vpc vpc;
    final SecurityGroup functionsSg;
    final SecurityGroup hostSg;
    final SubnetSelection privateSubnets = SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build();

    Network(Construct scope, String id, DollyConfig config) {
        super(scope, id);
        // spans the stack's first two AZs (DollyStack#getAvailabilityZones)
        Vpc.Builder vpcBuilder = Vpc.Builder.create(this, "Vpc")
                .ipAddresses(IpAddresses.cidr(config.vpcCidr()))
                .natGateways(config.natGateways())
                .subnetConfiguration(List.of(
                        SubnetConfiguration.builder().name("public").subnetType(SubnetType.PUBLIC).cidrMask(24).build(),
                        SubnetConfiguration.builder().name("private").subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                                .cidrMask(22).build()))
                .gatewayEndpoints(Map.of(
                        "DynamoDb", GatewayVpcEndpointOptions.builder().service(GatewayVpcEndpointAwsService.DYNAMODB).build(),
                        "S3", GatewayVpcEndpointOptions.builder().service(GatewayVpcEndpointAwsService.S3).build()));
        vpc = vpcBuilder.maxAzs(2).build();

        if (config.interfaceEndpoints()) {
            Map<String, InterfaceVpcEndpointAwsService> services = Map.of(
                    "SecretsManager", InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
                    "Lambda", InterfaceVpcEndpointAwsService.LAMBDA,
                    "CloudWatch", InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
                    "Ssm", InterfaceVpcEndpointAwsService.SSM,
                    "SsmMessages", InterfaceVpcEndpointAwsService.SSM_MESSAGES,
                    "Ec2", InterfaceVpcEndpointAwsService.EC2);
            services.forEach((name, service) -> vpc.addInterfaceEndpoint(name, InterfaceVpcEndpointOptions.builder()
                    .service(service).subnets(privateSubnets).privateDnsEnabled(true).build()));
        }

        functionsSg = SecurityGroup.Builder.create(this, "FunctionsSg")
                .vpc(vpc)
                .description("Dolly functions: HTTPS out (AWS APIs, Slack) and the agent port of the ZFS host")
                .allowAllOutbound(false)
                .build();
        hostSg = SecurityGroup.Builder.create(this, "HostSg")
                .vpc(vpc)
                .description("Dolly ZFS host: agent port from the functions only")
                .allowAllOutbound(true)
                .build();
        functionsSg.addEgressRule(Peer.anyIpv4(), Port.tcp(443), "HTTPS: AWS APIs, Slack");
        functionsSg.addEgressRule(hostSg, Port.tcp(config.agentPort()), "host agent API");
        hostSg.addIngressRule(functionsSg, Port.tcp(config.agentPort()), "host agent API from the functions");
        for (String cidr : config.clonePeerCidrs()) {
            hostSg.addIngressRule(Peer.ipv4(cidr), Port.tcpRange(config.clonePortFrom(), config.clonePortTo()),
                    "clone PostgreSQL ports from " + cidr);
        }
    }
}
