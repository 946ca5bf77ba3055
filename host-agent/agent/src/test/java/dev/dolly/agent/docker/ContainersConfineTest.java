package dev.dolly.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainersConfineTest {
    @Test
    void everyContainerDropsAllCapabilitiesAndCannotGainPrivileges() {
        HostConfig hc = HostConfig.newHostConfig();
        Containers.confine(hc, ContainerSpec.Confinement.DEFAULT);
        assertThat(hc.getCapDrop()).containsExactly(Capability.ALL);
        assertThat(hc.getCapAdd()).isNull();
        assertThat(hc.getSecurityOpts()).containsExactly("no-new-privileges:true");
        assertThat(hc.getPidsLimit()).isEqualTo(512L);
        assertThat(hc.getReadonlyRootfs()).isTrue();
        assertThat(hc.getTmpFs()).containsOnlyKeys("/tmp", "/run/postgresql");
        assertThat(hc.getTmpFs().get("/tmp")).contains("noexec", "nosuid", "nodev");
        assertThat(hc.getNanoCPUs()).isNull();
    }

    @Test
    void aTemplateCanGiveBackAllowedCapabilitiesAndSetCpus() {
        HostConfig hc = HostConfig.newHostConfig();
        Containers.confine(hc, new ContainerSpec.Confinement(1.5, 100, List.of("CHOWN"), false, "dolly"));
        assertThat(hc.getCapAdd()).containsExactly(Capability.CHOWN);
        assertThat(hc.getNanoCPUs()).isEqualTo(1_500_000_000L);
        assertThat(hc.getPidsLimit()).isEqualTo(100L);
        assertThat(hc.getReadonlyRootfs()).isNull();
    }
}
