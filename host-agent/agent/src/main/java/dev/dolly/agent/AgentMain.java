package dev.dolly.agent;

import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar dolly-host-agent.jar --config <dolly.yaml>}: runs the host agent until it is stopped. */
public final class AgentMain {
    private AgentMain() {}

    public static void main(String[] args) throws Exception {
        // JSON lines (logback.xml) unless DOLLY_LOG_FORMAT=text asks for plain ones; before anything logs
        if ("text".equals(System.getenv("DOLLY_LOG_FORMAT")) && System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-text.xml");
        }
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else if (args[i].startsWith("--config=")) {
                config = Path.of(args[i].substring("--config=".length()));
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.println("usage: java -jar dolly-host-agent.jar --config <dolly.yaml>\n"
                        + "  reads the agent: and templates: sections; the API secret comes from the env var named by agent.secretEnv");
                return;
            }
        }
        if (config == null) {
            String env = System.getenv("DOLLY_CONFIG");
            config = Path.of(env != null ? env : "config/dolly.yaml");
        }
        if (!Files.isRegularFile(config)) {
            System.err.println("dolly-host-agent: config file " + config + " does not exist (pass --config <file> or set DOLLY_CONFIG)");
            System.exit(2);
        }
        Map<String, String> env = System.getenv();
        AgentConfig c = ConfigLoader.load(config, env);
        if (c.secret() == null) {
            System.err.println("dolly-host-agent: the API secret is missing: set the environment variable " + c.secretEnv());
            System.exit(2);
        }
        Agent agent = new Agent(c, env, Clock.systemUTC());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stop.countDown();
        }, "shutdown"));
        agent.start();
        stop.await();
    }
}
