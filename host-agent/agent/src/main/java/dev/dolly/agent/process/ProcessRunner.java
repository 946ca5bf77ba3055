package dev.dolly.agent.process;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The one way the agent runs a program: an argv list (never a shell string) in; stdout, exit
 * code and stderr out. {@link #run} throws {@link ProcessFailedException} (with exit code and
 * stderr) when the program exits non-zero.
 */
public interface ProcessRunner {

    /** Runs {@code argv} and returns its result; throws when it exits non-zero, cannot start or times out. */
    ProcessResult run(Invocation invocation);

    default ProcessResult run(List<String> argv) {
        return run(Invocation.of(argv));
    }

    /**
     * One program run. {@code env} is added to the agent's environment (use it for secrets such
     * as PGPASSWORD: the environment is not visible in the process list the way argv is);
     * {@code stdin} is written to the program and closed.
     */
    record Invocation(List<String> argv, Map<String, String> env, byte[] stdin, Duration timeout) {
        public Invocation {
            argv = List.copyOf(argv);
            env = env == null ? Map.of() : Map.copyOf(env);
            timeout = timeout == null ? Duration.ofMinutes(2) : timeout;
        }

        public static Invocation of(List<String> argv) {
            return new Invocation(argv, Map.of(), null, null);
        }

        public Invocation withEnv(Map<String, String> env) {
            return new Invocation(argv, env, stdin, timeout);
        }

        public Invocation withTimeout(Duration timeout) {
            return new Invocation(argv, env, stdin, timeout);
        }

        public Invocation withStdin(byte[] stdin) {
            return new Invocation(argv, env, stdin, timeout);
        }

        @Override
        public String toString() {
            return "Invocation" + argv + (env.isEmpty() ? "" : " env=" + env.keySet());
        }
    }
}
