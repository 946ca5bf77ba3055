package dev.dolly.functions.web;

import dev.dolly.agent.api.signing.Hmac;
import dev.dolly.agent.api.signing.SigningScheme;
import dev.dolly.slack.SlackFront;
import dev.dolly.slack.SlackHttpRequest;
import dev.dolly.slack.SlackHttpResponse;
import dev.dolly.slack.SlackWork;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Plugs the Slack front ({@link SlackFront}) into the control plane's entry points. Requests to
 * {@value SlackFront#EVENTS_PATH} go to it; {@value #WORK_PATH} carries deferred work this function
 * sent itself (on Lambda), accepted only with a valid {@value #WORK_SIGNATURE_HEADER} (an HMAC of
 * the work with a key derived from the Slack signing secret).
 */
public final class SlackBridge implements SlackEntry {
    public static final String WORK_PATH = "/slack/work";
    public static final String WORK_SIGNATURE_HEADER = "X-Dolly-Work-Signature";

    private final SlackFront front;
    private final String workKey;

    public SlackBridge(SlackFront front) {
        this.front = front;
        this.workKey = "dolly-slack-work:" + front.settings().signingSecret();
    }

    public SlackFront front() { return front; }

    @Override
    public java.util.Set<String> groupsOf(String userId) { return front.groupsOf(userId); }

    /** The signature a work item travels with. */
    public String signWork(String workJson) {
        return Hmac.hex(workKey, workJson);
    }

    @Override
    public HttpAnswer handle(HttpCall call) {
        String path = call.path();
        int q = path.indexOf('?');
        String bare = q >= 0 ? path.substring(0, q) : path;
        if (WORK_PATH.equals(bare)) {
            String sig = call.header(WORK_SIGNATURE_HEADER);
            String body = call.bodyText();
            if (sig == null || !MessageDigest.isEqual(sig.getBytes(StandardCharsets.US_ASCII),
                    signWork(body).getBytes(StandardCharsets.US_ASCII))) {
                return HttpAnswer.json(401, "{\"error\":\"unauthorized\"}");
            }
            runWork(body);
            return HttpAnswer.json(202, "{\"accepted\":true}");
        }
        if (!signedBySlack(call)) {
            // refused before anything parses the body (Bolt checks the signature only after parsing it)
            return HttpAnswer.json(401, "{\"error\":\"unauthorized\"}");
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        call.headers().forEach((k, v) -> headers.put(k, List.of(v)));
        SlackHttpResponse r = front.handle(new SlackHttpRequest(path, headers, call.bodyText()));
        return new HttpAnswer(r.status(), r.headers(), r.body());
    }

    /** The request carries Slack's signature of its exact body (the front checks the timestamp's age). */
    private boolean signedBySlack(HttpCall call) {
        String ts = call.header(SigningScheme.SLACK.timestampHeader());
        String sig = call.header(SigningScheme.SLACK.signatureHeader());
        if (ts == null || sig == null || !ts.matches("[0-9]{1,12}")) {
            return false;
        }
        return SigningScheme.same(SigningScheme.SLACK.sign(front.settings().signingSecret(), Long.parseLong(ts), call.bodyText()), sig);
    }

    @Override
    public void runWork(String workJson) {
        front.runWork(SlackWork.fromJson(workJson));
    }
}
