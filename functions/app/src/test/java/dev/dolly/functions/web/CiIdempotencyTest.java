package dev.dolly.functions.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.agent.api.signing.Hmac;
import dev.dolly.control.api.CloneInfo;
import dev.dolly.control.api.CloneState;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandPort;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.Harness;
import dev.dolly.functions.config.Secrets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CI webhook's retries and replays over a command port that stands in for the lifecycle (it counts
 * how often a create really runs and answers with a password, as a create does).
 */
class CiIdempotencyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "pw-Very-S3cret-value";
    private static final String CREATE = "{\"action\":\"create\",\"template\":\"shop\",\"clone\":\"ci-new\"}";

    private Harness h;
    private CiWebhook webhook;
    private long now;
    private final AtomicInteger creates = new AtomicInteger();
    /** Failures the next creates throw, in order; then creates succeed. */
    private final Deque<DollyException> failures = new ArrayDeque<>();

    private final CommandPort port = new CommandPort() {
        @Override
        public CommandResult execute(Principal principal, Front front, Command command, String idempotencyKey) {
            creates.incrementAndGet();
            DollyException next = failures.poll();
            if (next != null) throw next;
            Instant t = Instant.parse("2030-01-01T00:00:00Z");
            CloneInfo info = new CloneInfo("ci-new", CloneState.READY, "shop", "s1", t, "ci:ci-dev", "h1", 6001, "shop", "dolly",
                    "postgresql://dolly@localhost:6001/shop", t, t.plusSeconds(3600), false, t);
            return new CommandResult.CloneResult(info, PASSWORD, null);
        }
    };

    @BeforeEach
    void setUp() {
        h = new Harness(Harness.yaml(""));
        now = h.clock.instant().getEpochSecond();
        webhook = new CiWebhook(h.config, Secrets.of(Map.of()), port, h.store, h.clock);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static JsonNode body(HttpAnswer a) throws Exception {
        return JSON.readTree(a.body());
    }

    @Test
    void anExactReplayOfASignedCreateReturnsTheCloneWithoutAPassword() throws Exception {
        HttpCall signed = Signed.call("ci-dev", "dev-secret", now, CREATE, "k1");
        HttpAnswer first = webhook.handle(signed);
        assertThat(first.status()).isEqualTo(201);
        assertThat(body(first).get("password").asText()).isEqualTo(PASSWORD);

        HttpAnswer replay = webhook.handle(signed);
        assertThat(replay.headers()).containsEntry("Idempotent-Replayed", "true");
        assertThat(body(replay).get("clone").asText()).isEqualTo("ci-new");
        assertThat(body(replay).has("password")).as("a replayed request never carries the password").isFalse();
        assertThat(replay.body()).doesNotContain(PASSWORD);
        assertThat(creates).hasValue(1);
    }

    @Test
    void aRetryWithTheSameKeyAndAFreshSignatureGetsTheFullAnswerNeverStoredInClear() throws Exception {
        HttpAnswer first = webhook.handle(Signed.call("ci-dev", "dev-secret", now, CREATE, "k2"));
        h.clock.advance(java.time.Duration.ofSeconds(1));
        HttpAnswer retry = webhook.handle(Signed.call("ci-dev", "dev-secret", now + 1, CREATE, "k2"));
        assertThat(retry.status()).isEqualTo(201);
        assertThat(body(retry).get("password").asText()).isEqualTo(PASSWORD);
        assertThat(retry.headers()).containsEntry("Idempotent-Replayed", "true");
        assertThat(creates).hasValue(1);
        // neither the key's record nor the signature's holds the password in clear
        assertThat(h.store.idempotency("ci:ci-dev", "k2").getAnswer()).doesNotContain(PASSWORD);
        for (long ts : new long[] {now, now + 1}) {
            String sig = Hmac.hex("dev-secret", ts + "." + CREATE);
            assertThat(h.store.idempotency("sig", sig).getAnswer()).doesNotContain(PASSWORD);
        }
        assertThat(first.body()).contains(PASSWORD);
    }

    @Test
    void tryAgainAnswersAreNeverMemoized() throws Exception {
        failures.add(new DollyException(ErrorKind.CONFLICT, "clone 'ci-new' is busy (RESETTING); try again shortly."));
        failures.add(new DollyException(ErrorKind.QUOTA_EXCEEDED, "ci:ci-dev holds 3 clone(s) and may hold at most 3."));
        failures.add(new DollyException(ErrorKind.UNAVAILABLE, "no healthy host"));
        int[] expected = {409, 429, 503, 201};
        for (int i = 0; i < expected.length; i++) {
            HttpAnswer a = webhook.handle(Signed.call("ci-dev", "dev-secret", now + i, CREATE, "k3"));
            assertThat(a.status()).as("attempt " + (i + 1)).isEqualTo(expected[i]);
            assertThat(a.headers()).as("attempt " + (i + 1)).doesNotContainKey("Idempotent-Replayed");
        }
        assertThat(creates).hasValue(4);
        // once done, the key keeps its answer
        assertThat(webhook.handle(Signed.call("ci-dev", "dev-secret", now + 9, CREATE, "k3")).status()).isEqualTo(201);
        assertThat(creates).hasValue(4);
    }
}
