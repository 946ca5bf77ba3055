package dev.dolly.slack;

import com.slack.api.app_backend.SlackSignature;
import com.slack.api.bolt.middleware.Middleware;
import com.slack.api.bolt.middleware.MiddlewareChain;
import com.slack.api.bolt.middleware.MiddlewareOps;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.response.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/**
 * Bolt's request verification ({@link SlackSignature.Verifier}: the v0 HMAC-SHA256 signature over
 * {@code v0:<timestamp>:<body>} and the 5-minute age limit), with two changes: "now" comes from the injected
 * {@link Clock}, and timestamps more than 5 minutes in the future are rejected too (Bolt's check only looks back).
 * Takes the place of Bolt's own {@code RequestVerification} in the middleware chain.
 */
final class ClockedRequestVerification implements Middleware {
    private static final Logger log = LoggerFactory.getLogger(ClockedRequestVerification.class);
    static final Duration WINDOW = Duration.ofMinutes(5);

    private final SlackSignature.Verifier verifier;
    private final Clock clock;

    ClockedRequestVerification(String signingSecret, Clock clock) {
        this.verifier = new SlackSignature.Verifier(new SlackSignature.Generator(signingSecret));
        this.clock = clock;
    }

    @Override
    public Response apply(Request req, Response resp, MiddlewareChain chain) throws Exception {
        if (req.isSocketMode() || MiddlewareOps.isNoSlackSignatureRequest(req.getRequestType())) {
            return chain.next(req);
        }
        long now = clock.millis();
        String timestamp = req.getHeaders().getFirstValue(SlackSignature.HeaderNames.X_SLACK_REQUEST_TIMESTAMP);
        if (isFuture(timestamp, now)) {
            log.info("Rejected a Slack request dated in the future ({})", timestamp);
            return Response.json(401, "{\"error\":\"invalid request\"}");
        }
        if (!req.isValid(verifier, now)) {
            log.info("Rejected a Slack request with an invalid or expired signature (timestamp {})", timestamp);
            return Response.json(401, "{\"error\":\"invalid request\"}");
        }
        return chain.next(req);
    }

    private static boolean isFuture(String timestamp, long nowMillis) {
        if (timestamp == null) return false; // the verifier rejects it
        try {
            return Long.parseLong(timestamp.trim()) * 1000 - nowMillis > WINDOW.toMillis();
        } catch (NumberFormatException e) {
            return false; // the verifier rejects it
        }
    }
}
