package dev.dolly.agent.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.api.ErrorCode;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortPoolTest {
    @Test
    void allocatesLowestFreeSkipsBusyHostPortsAndReleases() {
        Set<Integer> busyOnHost = Set.of(6001);
        PortPool p = new PortPool(6000, 6003, port -> !busyOnHost.contains(port));
        assertThat(p.allocate()).isEqualTo(6000);
        assertThat(p.allocate()).isEqualTo(6002);
        assertThat(p.reserve(6003)).isTrue();
        assertThat(p.reserve(6003)).isFalse();
        assertThat(p.reserve(7000)).isFalse();
        assertThatThrownBy(p::allocate).isInstanceOfSatisfying(AgentException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.PORTS_EXHAUSTED);
            assertThat(e.getMessage()).contains("6000-6003").contains("destroy a clone");
        });
        p.release(6000);
        assertThat(p.inUse()).isEqualTo(2);
        assertThat(p.allocate()).isEqualTo(6000);
        assertThat(p.size()).isEqualTo(4);
    }
}
