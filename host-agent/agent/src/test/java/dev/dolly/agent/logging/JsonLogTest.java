package dev.dolly.agent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dolly.agent.api.RequestIds;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The agent's shipped logback.xml: one JSON object per line on stdout, with the MDC (request id, clone id) and the
 * formatted message; a stack trace stays on its event's line; work handed to another thread keeps the request id.
 */
class JsonLogTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void oneJsonLinePerEventWithTheRequestContext() throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        // the context slf4j (and its MDC) uses, configured with the shipped file, then given back its test configuration
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ExecutorService other = Executors.newSingleThreadExecutor();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            System.setProperty(ContextInitializer.CONFIG_FILE_PROPERTY, "logback.xml");
            context.reset();
            new ContextInitializer(context).autoConfig();
            Logger log = context.getLogger("dev.dolly.agent.clone.CloneService");
            try (RequestIds.Scope ignored = RequestIds.scope(RequestIds.MDC_KEY, "req-0123456789abcdef0123", RequestIds.CLONE, "c-1")) {
                log.info("clone {} created on port {}", "c-1", 6001);
                log.warn("destroy failed", new IllegalStateException("dataset is busy\nsecond line"));
                other.submit(RequestIds.carry(() -> log.info("from another thread"))).get();
            }
            log.info("no request");
        } finally {
            System.setOut(out);
            other.shutdownNow();
            other.awaitTermination(5, TimeUnit.SECONDS);
            System.clearProperty(ContextInitializer.CONFIG_FILE_PROPERTY);
            context.reset();
            new ContextInitializer(context).autoConfig(); // logback-test.xml again
        }

        String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(4);
        JsonNode first = json.readTree(lines[0]);
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("formattedMessage").asText()).isEqualTo("clone c-1 created on port 6001");
        assertThat(first.at("/mdc/requestId").asText()).isEqualTo("req-0123456789abcdef0123");
        assertThat(first.at("/mdc/cloneId").asText()).isEqualTo("c-1");
        assertThat(first.has("timestamp")).isTrue();
        JsonNode second = json.readTree(lines[1]);
        assertThat(second.get("level").asText()).isEqualTo("WARN");
        assertThat(second.toString()).contains("dataset is busy");
        assertThat(second.at("/mdc/requestId").asText()).isEqualTo("req-0123456789abcdef0123");
        JsonNode third = json.readTree(lines[2]);
        assertThat(third.at("/mdc/requestId").asText()).as("carried to the other thread").isEqualTo("req-0123456789abcdef0123");
        assertThat(third.get("threadName").asText()).isNotEqualTo(first.get("threadName").asText());
        JsonNode fourth = json.readTree(lines[3]);
        assertThat(fourth.path("mdc").path("requestId").isMissingNode()).as("the scope ended").isTrue();
    }
}
