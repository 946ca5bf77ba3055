package dev.dolly.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.service.CommandService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code docs/openapi/control-plane.yaml} against the running local server: every route the server maps is
 * documented and every documented route is mapped; every documented operation answers, without credentials and
 * (user API) with a personal token, one of its documented statuses, and a documented JSON answer carries the
 * properties its schema requires.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiConformanceTest {
    static final Path DOCUMENT = Path.of("../../docs/openapi/control-plane.yaml");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    CommandService service;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        System.setProperty("SLACK_SIGNING_SECRET", "openapi-test-signing-secret");
        System.setProperty("SLACK_BOT_TOKEN", "xoxb-openapi-test");
        r.add("dolly.config", () -> "classpath:test-dolly-slack.yaml");
        r.add("dolly.dynamodb.endpoint", () -> "embedded");
        r.add("dolly.reaper.local-schedule", () -> "false");
        r.add("dolly.slack-stand-in.enabled", () -> "true");
        r.add("dolly.admin-secret", () -> "openapi-test-admin-secret");
    }

    @AfterAll
    static void clear() {
        System.clearProperty("SLACK_SIGNING_SECRET");
        System.clearProperty("SLACK_BOT_TOKEN");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> document(Path path) throws Exception {
        return new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readValue(Files.readString(path), Map.class);
    }

    /** "METHOD /path/{var}" of every documented operation. */
    @SuppressWarnings("unchecked")
    static Set<String> documentedRoutes(Map<String, Object> doc) {
        Set<String> out = new TreeSet<>();
        ((Map<String, Map<String, Object>>) doc.get("paths")).forEach((path, ops) ->
                ops.keySet().forEach(m -> out.add(m.toUpperCase() + " " + path)));
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> operation(Map<String, Object> doc, String route) {
        String[] mp = route.split(" ", 2);
        return ((Map<String, Map<String, Map<String, Object>>>) doc.get("paths")).get(mp[1]).get(mp[0].toLowerCase());
    }

    @SuppressWarnings("unchecked")
    static Set<Integer> statuses(Map<String, Object> op) {
        Set<Integer> out = new TreeSet<>();
        ((Map<Object, Object>) op.get("responses")).keySet().forEach(k -> out.add(Integer.parseInt(k.toString())));
        return out;
    }

    /** The JSON schema a documented answer of {@code status} has, resolved one level (null when none). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> schema(Map<String, Object> doc, Map<String, Object> op, int status) {
        Map<String, Object> r = (Map<String, Object>) ((Map<Object, Object>) op.get("responses")).get(Integer.toString(status));
        if (r == null) return null;
        if (r.containsKey("$ref")) r = (Map<String, Object>) resolve(doc, (String) r.get("$ref"));
        Map<String, Object> content = (Map<String, Object>) r.get("content");
        if (content == null || !content.containsKey("application/json")) return null;
        Map<String, Object> s = (Map<String, Object>) ((Map<String, Object>) content.get("application/json")).get("schema");
        return s != null && s.containsKey("$ref") ? (Map<String, Object>) resolve(doc, (String) s.get("$ref")) : s;
    }

    @SuppressWarnings("unchecked")
    static Object resolve(Map<String, Object> doc, String ref) {
        Object at = doc;
        for (String part : ref.substring(2).split("/")) at = ((Map<String, Object>) at).get(part);
        return at;
    }

    /** The properties {@code schema} requires (through allOf too). */
    @SuppressWarnings("unchecked")
    static List<String> required(Map<String, Object> doc, Map<String, Object> schema) {
        List<String> out = new ArrayList<>();
        if (schema == null) return out;
        if (schema.get("required") instanceof List<?> l) l.forEach(x -> out.add(x.toString()));
        if (schema.get("allOf") instanceof List<?> all) {
            for (Object part : all) {
                Map<String, Object> p = (Map<String, Object>) part;
                out.addAll(required(doc, p.containsKey("$ref") ? (Map<String, Object>) resolve(doc, (String) p.get("$ref")) : p));
            }
        }
        return out;
    }

    private static String normalize(String springPattern) {
        return springPattern.replaceAll("\\{([a-zA-Z]+):[^}]*}", "{$1}");
    }

    private HttpResponse<String> send(String route, String token, String body) throws Exception {
        String[] mp = route.split(" ", 2);
        String path = mp[1].replaceAll("\\{[^}]*}", "nothing");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        b.method(mp[0], mp[0].equals("GET") || mp[0].equals("DELETE") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyMappedRouteIsDocumentedAndEveryDocumentedRouteIsMapped() throws Exception {
        Set<String> mapped = new TreeSet<>();
        for (String r : MappedRoutes.of(context)) {
            if (!r.equals("ANY /error")) mapped.add(normalize(r));   // Spring's error page, not an API
        }
        Set<String> documented = documentedRoutes(document(DOCUMENT));
        assertThat(documented).as("documented routes").containsExactlyInAnyOrderElementsOf(mapped);
    }

    @Test
    void everyDocumentedOperationAnswersADocumentedStatusWithoutCredentials() throws Exception {
        Map<String, Object> doc = document(DOCUMENT);
        List<String> wrong = new ArrayList<>();
        for (String route : documentedRoutes(doc)) {
            HttpResponse<String> a = send(route, null, "{}");
            if (!statuses(operation(doc, route)).contains(a.statusCode())) wrong.add(route + " answered " + a.statusCode());
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void theUserApiAnswersAsDocumentedWithAToken() throws Exception {
        Map<String, Object> doc = document(DOCUMENT);
        CommandResult.TokenIssued t = (CommandResult.TokenIssued) service.execute(Principal.slackUser("U0DEV", Set.of()), Front.SLACK,
                new Command.TokenIssue(Duration.ofHours(1), "dev"));
        Map<String, String> bodies = Map.of(
                "POST /api/v1/clones", "{\"template\":\"shop\"}",
                "POST /api/v1/clones/{clone}/savepoints", "{\"name\":\"before\"}",
                "POST /api/v1/clones/{clone}/rollback", "{\"savepoint\":\"before\"}",
                "POST /api/v1/commands", "{\"args\":[\"list\"]}");
        List<String> wrong = new ArrayList<>();
        int answered = 0;
        for (String route : documentedRoutes(doc)) {
            if (!route.contains(" /api/v1/")) continue;
            Map<String, Object> op = operation(doc, route);
            HttpResponse<String> a = send(route, t.token(), bodies.getOrDefault(route, "{}"));
            answered++;
            if (!statuses(op).contains(a.statusCode())) {
                wrong.add(route + " answered " + a.statusCode() + ": " + a.body());
                continue;
            }
            List<String> required = required(doc, schema(doc, op, a.statusCode()));
            if (!required.isEmpty()) {
                JsonNode body = JSON.readTree(a.body());
                for (String field : required) {
                    if (!body.has(field)) wrong.add(route + " answered " + a.statusCode() + " without '" + field + "': " + a.body());
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(answered).isEqualTo(dev.dolly.functions.web.UserApi.ROUTES.size());
    }
}
