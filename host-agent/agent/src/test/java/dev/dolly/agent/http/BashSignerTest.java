package dev.dolly.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.agent.api.HealthResponse;
import dev.dolly.agent.api.RequestSigning;
import dev.dolly.agent.clone.CloneOperations;
import dev.dolly.agent.template.TemplateOperations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** scripts/lib/agent.sh signs as RequestSigning verifies: host name included (runs bash, openssl and curl). */
@Tag("integration")
class BashSignerTest {
    static final byte[] SECRET = "bash-signer-secret-0123456789".getBytes(StandardCharsets.UTF_8);

    private static String agentCall(int port, String name, String method, String path) throws Exception {
        Path script = Path.of("../../scripts/lib/agent.sh").toAbsolutePath().normalize();
        assertThat(Files.isRegularFile(script)).isTrue();
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", ". \"$0\" && agent_call " + method + " " + path, script.toString());
        pb.environment().put("DOLLY_AGENT_URL", "http://127.0.0.1:" + port);
        pb.environment().put("DOLLY_AGENT_SECRET", new String(SECRET, StandardCharsets.UTF_8));
        pb.environment().put("DOLLY_AGENT_NAME", name);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + " " + out;
    }

    @Test
    void theBashHelperSignsTheHostName() throws Exception {
        TemplateOperations templates = new TemplateOperations() {
            @Override public List<dev.dolly.agent.api.TemplateView> templates() { return List.of(); }
            @Override public dev.dolly.agent.api.JobView refresh(String t, dev.dolly.agent.api.RefreshRequest r) { return null; }
            @Override public dev.dolly.agent.api.JobView job(String id) { return null; }
            @Override public dev.dolly.agent.api.JobView cancelJob(String id) { return null; }
        };
        CloneOperations clones = new HttpApiTest().clones;
        try (HttpApi api = new HttpApi(clones, templates, () -> new HealthResponse("ok", "h", "dev", 1, 2, 3), () -> "",
                new RequestSigning.Verifier(SECRET, "h7", Clock.systemUTC()))) {
            int port = api.start("127.0.0.1", 0);
            assertThat(agentCall(port, "h7", "GET", "/v1/templates")).isEqualTo("0 []");
            assertThat(agentCall(port, "other", "GET", "/v1/templates")).doesNotStartWith("0 ").contains("BAD_SIGNATURE");
        }
    }
}
