package dev.dolly.functions.web;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** API Gateway HTTP API (payload v2) events to {@link HttpCall}s and {@link HttpAnswer}s to responses. */
public final class ApiGateway {
    private ApiGateway() {}

    public static HttpCall call(APIGatewayV2HTTPEvent e) {
        String method = e.getRequestContext() != null && e.getRequestContext().getHttp() != null
                ? e.getRequestContext().getHttp().getMethod() : "POST";
        String path = e.getRawPath() != null ? e.getRawPath()
                : e.getRequestContext() != null && e.getRequestContext().getHttp() != null ? e.getRequestContext().getHttp().getPath() : "/";
        if (e.getRawQueryString() != null && !e.getRawQueryString().isEmpty()) path = path + "?" + e.getRawQueryString();
        String raw = e.getBody() == null ? "" : e.getBody();
        byte[] body = e.getIsBase64Encoded() ? Base64.getDecoder().decode(raw) : raw.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = e.getHeaders() == null ? Map.of() : e.getHeaders();
        return new HttpCall(method, path, headers, body);
    }

    public static APIGatewayV2HTTPResponse response(HttpAnswer a) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(a.status())
                .withHeaders(new LinkedHashMap<>(a.headers()))
                .withBody(a.body())
                .withIsBase64Encoded(false)
                .build();
    }
}
