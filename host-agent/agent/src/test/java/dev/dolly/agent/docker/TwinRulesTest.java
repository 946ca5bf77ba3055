package dev.dolly.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.agent.process.ProcessResult;
import dev.dolly.agent.process.ProcessRunner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules that pick which of a clone's two servers answers on its port (the real ones run in {@code TwinsTest}). */
class TwinRulesTest {

    @Test
    void whenTheCloneContainerServesOnlyTheStandbyAliasIsRedirectedAndTheTwinsPortIsClosedToLoopback() {
        String r = TwinRules.rules(false);
        assertThat(r).contains("-A DOLLY-TWIN -p tcp --dport 6432 -j REDIRECT --to-ports 5432")
                .doesNotContain("--dport 5432 -j REDIRECT")
                .contains("-A DOLLY-TWIN -i lo -p tcp --dport 5433 -j DROP");
    }

    @Test
    void whenTheTwinServesTheClonePortGoesToItAndTheOwnServersPortIsClosedToLoopback() {
        String r = TwinRules.rules(true);
        assertThat(r).contains("-A DOLLY-TWIN -p tcp --dport 5432 -j REDIRECT --to-ports 5433")
                .contains("-A DOLLY-TWIN -p tcp --dport 6432 -j REDIRECT --to-ports 5432")
                .contains("-A DOLLY-TWIN -i lo -p tcp --dport 5432 -j DROP")
                .doesNotContain("--dport 5433 -j DROP");
        // both tables are declared (so emptied first) and committed: one atomic restore
        assertThat(r.split("\n")).containsSubsequence("*nat", ":DOLLY-TWIN - [0:0]", "COMMIT", "*filter", ":DOLLY-TWIN - [0:0]", "COMMIT");
    }

    @Test
    void applyIsOneRestoreInTheContainersNetworkNamespaceAsArgv() {
        List<ProcessRunner.Invocation> runs = new ArrayList<>();
        ProcessRunner runner = inv -> {
            runs.add(inv);
            return new ProcessResult(0, "", "");
        };
        new TwinRules(runner).apply(4242, true);
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).argv()).containsExactly("nsenter", "--net=/proc/4242/ns/net", "iptables-restore", "-w", "5", "--noflush");
        assertThat(new String(runs.get(0).stdin(), StandardCharsets.US_ASCII)).isEqualTo(TwinRules.rules(true));
        assertThatThrownBy(() -> new TwinRules(runner).apply(0, true)).isInstanceOf(IllegalArgumentException.class);
    }
}
