package dev.dolly.functions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.metrics.SignedFronts;
import dev.dolly.functions.service.CommandService;
import dev.dolly.functions.service.Reaper;
import dev.dolly.functions.web.AgentCallback;
import dev.dolly.functions.web.ApiGateway;
import dev.dolly.functions.web.RequestScope;
import dev.dolly.functions.web.CiWebhook;
import dev.dolly.functions.web.SlackEntry;
import dev.dolly.functions.web.UserApi;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The function beans, by the names infra deploys them under (one Lambda each, handler
 * {@code org.springframework.cloud.function.adapter.aws.FunctionInvoker},
 * {@code SPRING_CLOUD_FUNCTION_DEFINITION=<name>}):
 * <ul>
 * <li>{@code ciWebhook} — API Gateway v2 event of {@code POST /webhooks/ci};</li>
 * <li>{@code slackEvents} — API Gateway v2 event of {@code POST /slack/events}, and the deferred Slack work this
 *     function sends itself asynchronously;</li>
 * <li>{@code agentCallback} — API Gateway v2 event of {@code POST /agent/callback};</li>
 * <li>{@code userApi} — API Gateway v2 events of the user API, {@code /api/v1/…} (personal tokens);</li>
 * <li>{@code scheduledRefresh} — EventBridge (Scheduler) event carrying the template name ({@code detail.template},
 *     or {@code template} at the top);</li>
 * <li>{@code reaper} — any scheduled event: heartbeats, expiry, warnings, reconciliation.</li>
 * </ul>
 * API Gateway events come in as JSON maps ({@link ApiGateway#call}): an {@code APIGatewayV2HTTPEvent} parameter would
 * make the adapter read them with aws-lambda-java-serialization, which the Lambda jar does without.
 */
@Configuration(proxyBeanMethods = false)
public class FunctionsConfiguration {
    private static final Logger log = LoggerFactory.getLogger(FunctionsConfiguration.class);

    @Bean
    public Function<Map<String, Object>, APIGatewayV2HTTPResponse> ciWebhook(CiWebhook handler, SignedFronts fronts) {
        return event -> ApiGateway.response(fronts.seen("ci", RequestScope.handle(ApiGateway.call(event), handler::handle)));
    }

    @Bean
    public Function<Map<String, Object>, APIGatewayV2HTTPResponse> userApi(UserApi handler) {
        return event -> ApiGateway.response(RequestScope.handle(ApiGateway.call(event), handler::handle));
    }

    @Bean
    public Function<Map<String, Object>, APIGatewayV2HTTPResponse> agentCallback(AgentCallback handler, SignedFronts fronts) {
        return event -> ApiGateway.response(fronts.seen("agent", RequestScope.handle(ApiGateway.call(event), handler::handle)));
    }

    @Bean
    public Function<Map<String, Object>, APIGatewayV2HTTPResponse> slackEvents(SlackEntry slack, SignedFronts fronts) {
        return event -> ApiGateway.response(fronts.seen("slack", RequestScope.handle(ApiGateway.call(event), slack::handle)));
    }

    @Bean
    public Function<Map<String, Object>, Map<String, Object>> scheduledRefresh(CommandService service) {
        return event -> RequestScope.fresh(() -> {
            String template = templateOf(event);
            Map<String, Object> out = new LinkedHashMap<>();
            if (template == null) {
                out.put("error", "the event carries no template (detail.template)");
                return out;
            }
            try {
                // a redelivered event (same id) gets the first answer
                CommandResult r = service.execute(Principal.scheduler(), Front.SCHEDULE, new dev.dolly.control.api.Command.Refresh(template),
                        eventId(event));
                if (r instanceof CommandResult.RefreshInfo info) {
                    out.put("template", info.template());
                    out.put("job", info.job());
                    out.put("state", info.state());
                }
            } catch (DollyException e) {
                log.warn("scheduled refresh of {} refused: {}", template, e.getMessage());
                out.put("template", template);
                out.put("error", e.getMessage());
            }
            return out;
        });
    }

    @Bean
    public Function<Map<String, Object>, Map<String, Object>> reaper(Reaper reaper) {
        return event -> RequestScope.fresh(() -> {
            Reaper.Report r = reaper.run();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("expired", r.expired());
            out.put("warned", r.warned());
            out.put("ghosts", r.ghosts());
            out.put("unknown", r.unknown());
            out.put("repaired", r.repaired());
            out.put("errors", r.errors());
            out.put("hosts", r.hosts());
            return out;
        });
    }

    /** The scheduler event's id (EventBridge keeps it on redelivery), as its idempotency key; null when absent. */
    static String eventId(Map<String, Object> event) {
        return event != null && event.get("id") instanceof String id && !id.isBlank() ? "event:" + id : null;
    }

    @SuppressWarnings("unchecked")
    static String templateOf(Map<String, Object> event) {
        if (event == null) return null;
        Object detail = event.get("detail");
        if (detail instanceof Map<?, ?> d && d.get("template") instanceof String t && !t.isBlank()) return t;
        if (event.get("template") instanceof String t && !t.isBlank()) return t;
        return null;
    }
}
