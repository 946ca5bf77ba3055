package dev.dolly.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.SavepointRequest;
import dev.dolly.agent.api.UpdateCloneRequest;
import dev.dolly.agent.api.client.AgentClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/openapi/agent.yaml} against the running agent HTTP server (over the fake operations of
 * {@link HttpApiTest}): every documented operation, signed, answers a documented status with the properties its
 * schema requires; a signed operation answers 401 unsigned; no method the document leaves out answers on a
 * documented path (the server maps nothing undocumented there).
 */
class AgentOpenApiTest extends HttpApiTest {
    static final Path DOCUMENT = Path.of("../../docs/openapi/agent.yaml");
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private final JsonNode doc;

    AgentOpenApiTest() throws Exception {
        doc = new ObjectMapper(new YAMLFactory()).readTree(DOCUMENT.toFile());
    }

    private static Object body(String method, String path) {
        if (method.equals("POST") && path.equals("/v1/clones")) return new CreateCloneRequest("c1", "shop", null, "u", null, false);
        if (method.equals("PATCH")) return new UpdateCloneRequest(true, null, null);
        if (method.equals("POST") && path.endsWith("/savepoints")) return new SavepointRequest("s1");
        return null;
    }

    private JsonNode resolve(JsonNode n) {
        while (n != null && n.has("$ref")) n = doc.at(n.get("$ref").asText().substring(1));
        return n;
    }

    @Test
    void everyDocumentedOperationAnswersAsDocumented() throws Exception {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            String path = p.getKey().replace("{clone}", "c1").replace("{template}", "shop").replace("{job}", "j1").replace("{savepoint}", "s1");
            for (Iterator<Map.Entry<String, JsonNode>> ops = p.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> o = ops.next();
                String method = o.getKey().toUpperCase();
                JsonNode responses = o.getValue().get("responses");
                AgentClient.Answer a = client.call(method, path, body(method, p.getKey()));
                checked++;
                JsonNode documented = responses.get(Integer.toString(a.status()));
                if (documented == null) {
                    wrong.add(method + " " + p.getKey() + " answered " + a.status() + ": " + a.body());
                    continue;
                }
                JsonNode schema = resolve(resolve(documented).at("/content/application~1json/schema"));
                if (schema != null && !schema.isMissingNode() && schema.has("required")) {
                    JsonNode answer = new ObjectMapper().readTree(a.body());
                    schema.get("required").forEach(f -> {
                        if (!answer.has(f.asText())) wrong.add(method + " " + p.getKey() + " answered without '" + f.asText() + "': " + a.body());
                    });
                }
                boolean signed = o.getValue().get("security").size() > 0;
                if (signed) {
                    HttpResponse<String> unsigned = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(path))
                            .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                    if (unsigned.statusCode() != 401 || !responses.has("401")) {
                        wrong.add(method + " " + p.getKey() + " unsigned answered " + unsigned.statusCode());
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(checked).isEqualTo(16);
    }

    @Test
    void noUndocumentedMethodAnswersOnADocumentedPath() {
        List<String> extra = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            Set<String> documented = new TreeSet<>();
            p.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase()));
            String path = p.getKey().replace("{clone}", "c1").replace("{template}", "shop").replace("{job}", "j1").replace("{savepoint}", "s1");
            for (String m : METHODS) {
                if (documented.contains(m)) continue;
                AgentClient.Answer a = client.call(m, path, m.equals("GET") || m.equals("DELETE") ? null : Map.of());
                if (!(a.status() == 400 && a.body().contains("no route"))) extra.add(m + " " + p.getKey() + " answered " + a.status());
            }
        }
        assertThat(extra).isEmpty();
    }
}
