package dev.dolly.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.api.CheckRequest;
import dev.dolly.agent.api.CheckView;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.api.HealthResponse;
import dev.dolly.agent.api.RequestSigning;
import dev.dolly.agent.api.client.AgentCall;
import dev.dolly.agent.api.client.AgentClient;
import dev.dolly.agent.check.CheckOperations;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The three migration-check routes over a fake {@link CheckOperations}: status codes, bodies, error codes. */
class CheckRoutesTest {
    private final List<String> calls = new ArrayList<>();
    private final HttpApiTest base = new HttpApiTest();
    private HttpApi api;
    private AgentClient client;

    private final CheckOperations checks = new CheckOperations() {
        @Override
        public CheckView start(String cloneId, CheckRequest r) {
            calls.add("start " + cloneId + " " + r.checkId() + " " + r.mode() + " " + r.migrations().size());
            return new CheckView(r.checkId(), cloneId, r.mode(), "RUNNING", Instant.EPOCH, null, null, null);
        }

        @Override
        public CheckView get(String id) {
            calls.add("get " + id);
            if (id.equals("nope")) {
                throw new AgentException(ErrorCode.UNKNOWN_CHECK, "no check 'nope'");
            }
            return new CheckView(id, "c1", "files", "DONE", Instant.EPOCH, Instant.EPOCH, null, null);
        }

        @Override
        public CheckView finish(String id) {
            calls.add("finish " + id);
            return new CheckView(id, "c1", "observe", "DONE", Instant.EPOCH, Instant.EPOCH, null, null);
        }
    };

    @BeforeEach
    void start() throws Exception {
        api = new HttpApi(base.clones, base.templates, () -> new HealthResponse("ok", "h", "dev", 1, 2, 3), () -> "",
                new RequestSigning.Verifier(HttpApiTest.SECRET, "h1", Clock.systemUTC()), checks);
        int port = api.start("127.0.0.1", 0);
        client = new AgentClient("h1", URI.create("http://127.0.0.1:" + port), HttpApiTest.SECRET, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void startGetAndFinishRouteToTheCheckOperations() {
        CheckView v = client.execute(AgentCall.startCheck("c1", new CheckRequest("k1", "files",
                List.of(new CheckRequest.Migration("V1.sql", "SELECT 1")), null, null)));
        assertThat(v.state()).isEqualTo("RUNNING");
        assertThat(client.call("POST", "/v1/clones/c1/checks", new CheckRequest("k2", "observe", List.of(), null, null)).status()).isEqualTo(202);
        assertThat(client.execute(AgentCall.check("k1")).state()).isEqualTo("DONE");
        assertThat(client.execute(AgentCall.finishCheck("k2")).mode()).isEqualTo("observe");
        assertThat(calls).containsExactly("start c1 k1 files 1", "start c1 k2 observe 0", "get k1", "finish k2");
    }

    @Test
    void anUnknownCheckIs404WithItsCodeAndABodylessStartIs400() {
        assertThatThrownBy(() -> client.execute(AgentCall.check("nope")))
                .isInstanceOfSatisfying(dev.dolly.agent.api.client.AgentException.Refused.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_CHECK));
        assertThat(client.call("POST", "/v1/clones/c1/checks", null).status()).isEqualTo(400);
        assertThat(client.call("DELETE", "/v1/checks/k1", null).status()).isEqualTo(400);
    }
}
