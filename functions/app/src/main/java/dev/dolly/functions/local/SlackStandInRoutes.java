package dev.dolly.functions.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.agent.api.AgentJson;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the {@link SlackStandIn} on the local server: Web API methods at
 * {@code POST /slack-api/<method>}, response URLs at {@code POST /slack-api/response/<id>}, and the
 * recording at {@code GET /slack-api/recorded?after=<seq>}. Point the Slack app's API URL
 * ({@code DOLLY_SLACK_API_URL}) at {@code http://<local server>/slack-api/}.
 */
@RestController
@ConditionalOnWebApplication
@ConditionalOnProperty(prefix = "dolly.slack-stand-in", name = "enabled", havingValue = "true")
public class SlackStandInRoutes {
    private final SlackStandIn standIn;
    private final LocalAdmin admin;

    public SlackStandInRoutes(SlackStandIn standIn, LocalAdmin admin) {
        this.standIn = standIn;
        this.admin = admin;
    }

    @PostMapping(path = "/slack-api/{method:[a-zA-Z.]+}", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> method(@PathVariable String method, HttpServletRequest request, @RequestBody(required = false) byte[] body) {
        @SuppressWarnings("unchecked")
        Map<String, Object> answer = AgentJson.mapper().convertValue(standIn.call(method, request.getContentType(), body), Map.class);
        return answer;
    }

    @PostMapping(path = "/slack-api/response/{id:[A-Za-z0-9_-]+}", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> response(@PathVariable String id, HttpServletRequest request, @RequestBody(required = false) byte[] body) {
        standIn.response(id, request.getContentType(), body);
        return ResponseEntity.ok("{\"ok\":true}");
    }

    @GetMapping(path = "/slack-api/recorded", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Object> recorded(@RequestHeader(name = LocalAdmin.HEADER, required = false) String authorization,
                                           @RequestParam(name = "after", defaultValue = "0") long after) {
        // the recording holds ephemeral replies, clone passwords included: the local admin's only
        return admin.allows(authorization) ? ResponseEntity.ok(standIn.since(after)) : LocalAdminRoutes.refused();
    }

    /** The stand-in itself, created only when enabled. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "dolly.slack-stand-in", name = "enabled", havingValue = "true")
    static class StandInBean {
        @Bean
        SlackStandIn slackStandIn() {
            ObjectMapper json = AgentJson.mapper();
            return new SlackStandIn(json, Clock.systemUTC());
        }
    }
}
