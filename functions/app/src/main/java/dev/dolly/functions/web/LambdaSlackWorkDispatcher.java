package dev.dolly.functions.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dolly.slack.SlackWork;
import dev.dolly.slack.SlackWorkDispatcher;
import dev.dolly.functions.aws.AwsApi;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * On AWS Lambda: hands deferred Slack work to an asynchronous invocation ({@code InvocationType.EVENT})
 * of this same function, as an API Gateway v2 shaped event for {@value SlackBridge#WORK_PATH} so the
 * {@code slackEvents} function reads it like any request. Returns once Lambda accepted it (202). The call is Lambda's
 * {@code Invoke} API ({@code POST /2015-03-31/functions/NAME/invocations}, {@code X-Amz-Invocation-Type: Event}).
 */
public final class LambdaSlackWorkDispatcher implements SlackWorkDispatcher {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AwsApi lambda;
    private final String functionName;
    private final String qualifier;
    private final Supplier<SlackBridge> bridge;

    public LambdaSlackWorkDispatcher(AwsApi lambda, String functionName, String qualifier, Supplier<SlackBridge> bridge) {
        this.lambda = lambda;
        this.functionName = functionName;
        this.qualifier = qualifier == null || qualifier.isBlank() ? null : qualifier;
        this.bridge = bridge;
    }

    /** The event this function will receive for {@code work}. */
    public String event(SlackWork work) {
        String body = work.toJson();
        ObjectNode e = JSON.createObjectNode();
        e.put("version", "2.0");
        e.put("routeKey", "POST " + SlackBridge.WORK_PATH);
        e.put("rawPath", SlackBridge.WORK_PATH);
        e.put("rawQueryString", "");
        ObjectNode headers = e.putObject("headers");
        headers.put("content-type", "application/json");
        headers.put(SlackBridge.WORK_SIGNATURE_HEADER.toLowerCase(), bridge.get().signWork(body));
        // the work logs under the request id of the Slack request that acked it (RequestScope takes it back)
        String requestId = dev.dolly.agent.api.RequestIds.current();
        if (requestId != null) headers.put(dev.dolly.agent.api.RequestIds.HEADER.toLowerCase(), requestId);
        ObjectNode http = e.putObject("requestContext").putObject("http");
        http.put("method", "POST");
        http.put("path", SlackBridge.WORK_PATH);
        e.put("body", body);
        e.put("isBase64Encoded", false);
        return e.toString();
    }

    @Override
    public void dispatch(SlackWork work) {
        String path = "/2015-03-31/functions/" + SdkHttpUtils.urlEncode(functionName) + "/invocations"
                + (qualifier == null ? "" : "?Qualifier=" + SdkHttpUtils.urlEncode(qualifier));
        AwsApi.Answer r = lambda.post(path, Map.of("X-Amz-Invocation-Type", "Event", "Content-Type", "application/json"),
                event(work).getBytes(StandardCharsets.UTF_8));
        if (r.status() != 202) {
            throw new IllegalStateException("Lambda did not accept the Slack work (status " + r.status() + "): " + r.text());
        }
    }
}
