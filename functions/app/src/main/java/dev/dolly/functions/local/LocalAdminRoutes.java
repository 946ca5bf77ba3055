package dev.dolly.functions.local;

import java.util.Map;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The local server's triggers of the scheduled functions (on AWS, EventBridge invokes them):
 * {@code POST /scheduledRefresh} (body: the schedule's event, {@code {"detail":{"template":"shop"}}}) and
 * {@code POST /reaper}; both need the {@link LocalAdmin} secret. Spring Cloud Function's generic web routes
 * are switched off ({@code DollyFunctionsApplication}), so these are the only way in.
 */
@RestController
@ConditionalOnWebApplication
public class LocalAdminRoutes {
    private final LocalAdmin admin;
    private final Function<Map<String, Object>, Map<String, Object>> scheduledRefresh;
    private final Function<Map<String, Object>, Map<String, Object>> reaper;

    public LocalAdminRoutes(LocalAdmin admin,
                            @Qualifier("scheduledRefresh") Function<Map<String, Object>, Map<String, Object>> scheduledRefresh,
                            @Qualifier("reaper") Function<Map<String, Object>, Map<String, Object>> reaper) {
        this.admin = admin;
        this.scheduledRefresh = scheduledRefresh;
        this.reaper = reaper;
    }

    @PostMapping(path = "/scheduledRefresh", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Object> scheduledRefresh(@RequestHeader(name = LocalAdmin.HEADER, required = false) String authorization,
                                                   @RequestBody(required = false) Map<String, Object> event) {
        return admin.allows(authorization) ? ResponseEntity.ok(scheduledRefresh.apply(event)) : refused();
    }

    @PostMapping(path = "/reaper", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Object> reaper(@RequestHeader(name = LocalAdmin.HEADER, required = false) String authorization,
                                         @RequestBody(required = false) Map<String, Object> event) {
        return admin.allows(authorization) ? ResponseEntity.ok(reaper.apply(event == null ? Map.of() : event)) : refused();
    }

    /** The admin secret, from {@code dolly.admin-secret}. */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication
    static class AdminBean {
        @org.springframework.context.annotation.Bean
        LocalAdmin localAdmin(@org.springframework.beans.factory.annotation.Value("${dolly.admin-secret:}") String secret) {
            return new LocalAdmin(secret);
        }
    }

    static ResponseEntity<Object> refused() {
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).contentType(MediaType.APPLICATION_JSON).body(LocalAdmin.refusal());
    }
}
