package dev.dolly.functions.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.agent.api.AgentJson;
import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.RequestSigning;
import dev.dolly.control.api.CloneInfo;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.Notifier;
import dev.dolly.functions.Harness;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Agent callbacks: signed refresh progress and completion update the template and reach the notifier once. */
class AgentCallbackTest {
    private static final String SECRET = "callback-secret";
    private Harness h;
    private AgentCallback callback;
    private final List<String> notices = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        h = new Harness(Harness.yaml(""));
        h.notifier(new Notifier() {
            public void refreshProgress(CommandResult.RefreshInfo r) { notices.add("progress " + r.phase() + " " + r.tablesDone()); }
            public void refreshFinished(CommandResult.RefreshInfo r) { notices.add("finished " + r.state() + " " + r.snapshot()); }
            public void expiryWarning(String owner, CloneInfo clone, Instant at) {}
        });
        callback = instance();
    }

    /** One control-plane instance: its own verifiers, the shared table's replay memory. */
    private AgentCallback instance() {
        return new AgentCallback(Map.of("h1", SECRET, "h2", SECRET, "h3", "h3-own-secret"), h.refreshes, h.monitor, h.clock,
                new dev.dolly.functions.store.ReplayStore(h.dynamo.client(), "dolly"));
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private HttpCall signed(Object payload, String host, String secret) throws Exception {
        return signed(payload, host, host, secret);
    }

    /** A callback signed by {@code signer} and sent under {@code host}'s name. */
    private HttpCall signed(Object payload, String signer, String host, String secret) throws Exception {
        byte[] body = AgentJson.mapper().writeValueAsBytes(payload);
        long ts = h.clock.instant().getEpochSecond();
        String nonce = RequestSigning.newNonce();
        return new HttpCall("POST", AgentCallback.PATH, Map.of(AgentCallback.HOST_HEADER, host,
                RequestSigning.TIMESTAMP_HEADER, "" + ts, RequestSigning.NONCE_HEADER, nonce,
                RequestSigning.SIGNATURE_HEADER, RequestSigning.sign(secret.getBytes(StandardCharsets.UTF_8), "POST", signer,
                        AgentCallback.PATH, ts, nonce, body)),
                body);
    }

    private static JobView job(String state, String phase, int done, String snapshot) {
        return new JobView("shop-1", "shop", state, phase, done, 3, 100L * done, 0, null, Instant.now(), null, snapshot, null, null);
    }

    @Test
    void progressThenCompletion() throws Exception {
        // the control plane started the refresh: the template holds the running job
        var t = dev.dolly.functions.store.TemplateItem.create("shop");
        t.setRefreshJob("shop-1");
        t.setRefreshState("RUNNING");
        h.store.putTemplate(t);

        assertThat(callback.handle(signed(job("RUNNING", "data", 1, null), "h1", SECRET)).status()).isEqualTo(200);
        assertThat(callback.handle(signed(job("RUNNING", "data", 2, null), "h1", SECRET)).status()).isEqualTo(200);
        assertThat(callback.handle(signed(job("SUCCEEDED", "finish", 3, "b42"), "h1", SECRET)).status()).isEqualTo(200);
        assertThat(callback.handle(signed(job("SUCCEEDED", "finish", 3, "b42"), "h1", SECRET)).status()).isEqualTo(200); // repeated
        assertThat(notices).containsExactly("progress data 1", "progress data 2", "finished SUCCEEDED b42");
        assertThat(h.store.template("shop").getCurrentSnapshot()).isEqualTo("b42");
        assertThat(h.store.template("shop").refreshRunning()).isFalse();
    }

    @Test
    void hostsPushHeartbeats() throws Exception {
        var health = new dev.dolly.agent.api.HealthResponse("ok", "zfs-1.internal", "1.0", 5_000_000_000L, 8_000_000_000L, 7);
        assertThat(callback.handle(signed(health, "h1", SECRET)).status()).isEqualTo(200);
        var host = h.store.host("h1");
        assertThat(host.isHealthy()).isTrue();
        assertThat(host.getFreeBytes()).isEqualTo(5_000_000_000L);
        assertThat(host.getClones()).isEqualTo(7);
        assertThat(host.getConnectHost()).isEqualTo("zfs-1.internal");
        assertThat(host.getLastHeartbeat()).isEqualTo(h.clock.instant());
    }

    @Test
    void unsignedOrWronglySignedCallbacksAreRefused() throws Exception {
        assertThat(callback.handle(signed(job("RUNNING", "data", 1, null), "h1", "wrong")).status()).isEqualTo(401);
        assertThat(callback.handle(signed(job("RUNNING", "data", 1, null), "h9", SECRET)).status()).isEqualTo(401);
        HttpCall ok = signed(job("RUNNING", "data", 1, null), "h1", SECRET);
        assertThat(callback.handle(ok).status()).isEqualTo(200);
        assertThat(callback.handle(ok).status()).as("replayed").isEqualTo(401);
        assertThat(notices).hasSize(1);
    }

    @Test
    void aCallbackCannotBeReplayedToAnotherControlPlaneInstance() throws Exception {
        HttpCall ok = signed(job("RUNNING", "data", 1, null), "h1", SECRET);
        assertThat(callback.handle(ok).status()).isEqualTo(200);
        AgentCallback otherInstance = instance();
        assertThat(otherInstance.handle(ok).status()).as("replayed to another instance").isEqualTo(401);
    }

    @Test
    void aHostCannotSpeakForAnotherHostSharingItsSecret() throws Exception {
        // h1 and h2 share a secret: h1's signature does not pass as h2's
        assertThat(callback.handle(signed(job("RUNNING", "data", 1, null), "h1", "h2", SECRET)).status()).isEqualTo(401);
        assertThat(callback.handle(signed(job("RUNNING", "data", 1, null), "h2", "h2", SECRET)).status()).isEqualTo(200);
        // h3 has its own secret: the shared one does not sign for it
        assertThat(callback.handle(signed(job("RUNNING", "data", 1, null), "h3", "h3", SECRET)).status()).isEqualTo(401);
        assertThat(callback.handle(signed(job("RUNNING", "data", 1, null), "h3", "h3", "h3-own-secret")).status()).isEqualTo(200);
    }
}
