package dev.dolly.infra;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The HTTP API routes Slack, CI, agent callbacks and the user API to the functions' live aliases, throttled. */
class HttpApiTest {
    private final Template template = Synth.standard();

    @Test
    void oneHttpApi() {
        template.resourceCountIs("AWS::ApiGatewayV2::Api", 1);
        template.hasResourceProperties("AWS::ApiGatewayV2::Api", Map.of("ProtocolType", "HTTP"));
    }

    @Test
    void routesGoToTheLiveAliases() {
        Map<String, String> routes = Map.of(
                "POST /slack/events", "FunctionsSlackEventsAlias",
                "POST /webhooks/ci", "FunctionsCiWebhookAlias",
                "POST /agent/callback", "FunctionsAgentCallbackAlias",
                "ANY /api/v1/{proxy+}", "FunctionsUserApiAlias");
        template.resourceCountIs("AWS::ApiGatewayV2::Route", routes.size());
        routes.forEach((routeKey, alias) -> {
            String aliasId = Synth.logicalId(Synth.standardJson(), "AWS::Lambda::Alias", alias);
            template.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", routeKey));
            template.hasResourceProperties("AWS::ApiGatewayV2::Integration", Map.of(
                    "IntegrationType", "AWS_PROXY",
                    "IntegrationUri", Map.of("Ref", aliasId),
                    "PayloadFormatVersion", "2.0"));
            // API Gateway may invoke the alias, from this API only
            template.hasResourceProperties("AWS::Lambda::Permission", Map.of(
                    "Action", "lambda:InvokeFunction",
                    "FunctionName", Map.of("Ref", aliasId),
                    "Principal", "apigateway.amazonaws.com",
                    "SourceArn", Match.anyValue()));
        });
    }

    @Test
    void defaultStageIsThrottledAndLogged() {
        template.resourceCountIs("AWS::ApiGatewayV2::Stage", 1);
        template.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of(
                "StageName", "$default",
                "AutoDeploy", true,
                "DefaultRouteSettings", Map.of("ThrottlingRateLimit", 50, "ThrottlingBurstLimit", 100),
                "AccessLogSettings", Map.of(
                        "DestinationArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("ApiAccessLogs.*"), "Arn")),
                        "Format", Match.anyValue())));
    }

    @Test
    void outputsTheUrlsToConfigureSlackAndCi() {
        template.hasOutput("SlackRequestUrl", Map.of("Value", Match.objectLike(Map.of("Fn::Join", Match.arrayWith(
                List.of(Match.arrayWith(List.of("/slack/events"))))))));
        template.hasOutput("CiWebhookUrl", Map.of("Value", Match.objectLike(Map.of("Fn::Join", Match.arrayWith(
                List.of(Match.arrayWith(List.of("/webhooks/ci"))))))));
        template.hasOutput("UserApiUrl", Map.of("Value", Match.objectLike(Map.of("Fn::Join", Match.arrayWith(
                List.of(Match.arrayWith(List.of("/api/v1"))))))));
    }
}
