package dev.dolly.agent.docker;

import dev.dolly.agent.process.ProcessRunner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The packet rules inside a clone container's network namespace that decide which of the clone's two servers answers on
 * its port ({@code dev.dolly.agent.clone.Twins}): the clone container's own on 5432, its twin's on
 * {@link CloneContainers#TWIN_PORT}. Applied from the host with {@code nsenter --net=/proc/<pid>/ns/net iptables…} (argv
 * only; the container has no capability to change them). In chain {@value #CHAIN} of the {@code nat} and {@code filter}
 * tables, replaced whole by one {@code iptables-restore --noflush} (atomic; docker's own rules in that namespace stay):
 * <ul>
 *   <li>when the twin serves, new connections to 5432 are redirected to the twin's port;</li>
 *   <li>port {@value #STANDBY_ALIAS} reaches the clone container's own server whatever serves (the agent prepares it
 *       there as the standby);</li>
 *   <li>the standby server's port is closed to the namespace's own loopback, so nothing the owner runs inside the clone
 *       can reach (and change) the copy a reset will swap in.</li>
 * </ul>
 */
public final class TwinRules {
    public static final String CHAIN = "DOLLY-TWIN";
    /** The port of the clone container's own server from the host, whichever server serves. */
    public static final int STANDBY_ALIAS = 6432;
    private static final int OWN_PORT = 5432;
    private final ProcessRunner runner;

    public TwinRules(ProcessRunner runner) {
        this.runner = runner;
    }

    /** Installs the jumps to {@value #CHAIN} (once per namespace; idempotent) and the rules for {@code twinServes}. */
    public void install(long pid, boolean twinServes) {
        apply(pid, twinServes); // declares the chains
        jump(pid, "nat", "PREROUTING");
        jump(pid, "filter", "INPUT");
    }

    /** Replaces the rules of the namespace of host pid {@code pid} with those for {@code twinServes}: one atomic restore. */
    public void apply(long pid, boolean twinServes) {
        runner.run(ProcessRunner.Invocation.of(nsenter(pid, "iptables-restore", "-w", "5", "--noflush"))
                .withStdin(rules(twinServes).getBytes(StandardCharsets.US_ASCII)).withTimeout(Duration.ofSeconds(20)));
    }

    /** The restore input for {@code twinServes} (declaring a chain with --noflush empties it first). */
    static String rules(boolean twinServes) {
        int standbyPort = twinServes ? OWN_PORT : CloneContainers.TWIN_PORT;
        StringBuilder b = new StringBuilder();
        b.append("*nat\n:").append(CHAIN).append(" - [0:0]\n");
        b.append("-A ").append(CHAIN).append(" -p tcp --dport ").append(STANDBY_ALIAS).append(" -j REDIRECT --to-ports ").append(OWN_PORT).append('\n');
        if (twinServes) {
            b.append("-A ").append(CHAIN).append(" -p tcp --dport ").append(OWN_PORT).append(" -j REDIRECT --to-ports ")
                    .append(CloneContainers.TWIN_PORT).append('\n');
        }
        b.append("COMMIT\n*filter\n:").append(CHAIN).append(" - [0:0]\n");
        b.append("-A ").append(CHAIN).append(" -i lo -p tcp --dport ").append(standbyPort).append(" -j DROP\n");
        b.append("COMMIT\n");
        return b.toString();
    }

    private void jump(long pid, String table, String chain) {
        try {
            runner.run(nsenter(pid, "iptables", "-w", "5", "-t", table, "-C", chain, "-j", CHAIN));
        } catch (RuntimeException absent) {
            runner.run(nsenter(pid, "iptables", "-w", "5", "-t", table, "-I", chain, "1", "-j", CHAIN));
        }
    }

    private static List<String> nsenter(long pid, String... argv) {
        if (pid <= 0) {
            throw new IllegalArgumentException("no running container process to enter (pid " + pid + ")");
        }
        List<String> a = new ArrayList<>(List.of("nsenter", "--net=/proc/" + pid + "/ns/net"));
        a.addAll(List.of(argv));
        return a;
    }
}
