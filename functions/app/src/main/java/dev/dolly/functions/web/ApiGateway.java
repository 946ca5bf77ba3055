package dev.dolly.functions.web;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** API Gateway HTTP API (payload v2) events to {@link HttpCall}s and {@link HttpAnswer}s to responses. */
public final class ApiGateway {
    private ApiGateway() {}

    /**
     * The call in an API Gateway HTTP API (payload v2) event, read as the JSON map Spring Cloud Function hands over:
     * a map, not {@code APIGatewayV2HTTPEvent}, so the adapter converts it with the application's Jackson and
     * the Lambda jar needs no aws-lambda-java-serialization (3.6 MB) for it.
     */
    public static HttpCall call(Map<String, Object> e) {
        Map<?, ?> http = map(map(e.get("requestContext")).get("http"));
        String method = http.get("method") != null ? http.get("method").toString() : "POST";
        String path = e.get("rawPath") != null ? e.get("rawPath").toString()
                : http.get("path") != null ? http.get("path").toString() : "/";
        Object query = e.get("rawQueryString");
        if (query != null && !query.toString().isEmpty()) path = path + "?" + query;
        String raw = e.get("body") == null ? "" : e.get("body").toString();
        boolean base64 = Boolean.parseBoolean(String.valueOf(e.get("isBase64Encoded")));
        byte[] body = base64 ? Base64.getDecoder().decode(raw) : raw.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        map(e.get("headers")).forEach((k, v) -> {
            if (k != null && v != null) headers.put(k.toString(), v.toString());
        });
        return new HttpCall(method, path, headers, body);
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
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
