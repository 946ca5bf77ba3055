package dev.dolly.functions.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Secrets Manager's {@code GetSecretValue} (JSON 1.1 protocol): a secret's string value. */
public final class SecretsManager {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> HEADERS = Map.of(
            "X-Amz-Target", "secretsmanager.GetSecretValue",
            "Content-Type", "application/x-amz-json-1.1");

    private final AwsApi api;

    public SecretsManager(AwsApi api) {
        this.api = api;
    }

    /** The {@code SecretString} of the secret {@code secretId} (an ARN or name); null when it has none. */
    public String secretString(String secretId) {
        byte[] request = JSON.createObjectNode().put("SecretId", secretId).toString().getBytes(StandardCharsets.UTF_8);
        AwsApi.Answer a = api.post("/", HEADERS, request);
        JsonNode answer = read(a.body());
        if (a.status() != 200) {
            String type = answer.path("__type").asText(answer.path("code").asText("error"));
            String message = answer.path("message").asText(answer.path("Message").asText(""));
            throw new IllegalStateException("Secrets Manager answered " + a.status() + " " + type.substring(type.lastIndexOf('#') + 1)
                    + (message.isEmpty() ? "" : ": " + message));
        }
        JsonNode value = answer.get("SecretString");
        return value == null || value.isNull() ? null : value.asText();
    }

    private static JsonNode read(byte[] body) {
        if (body.length == 0) return JSON.createObjectNode();
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode(); // not JSON (a proxy's error page): the status says enough
        }
    }
}
