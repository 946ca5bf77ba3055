package dev.dolly.control.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandModelTest {
    @Test
    void cloneResultNeverPrintsItsPassword() {
        var clone = new CloneInfo("c1", CloneState.READY, "shop", "s1", Instant.EPOCH, "U1", "h", 6000, "shop", "dolly",
                "postgresql://dolly@h:6000/shop", Instant.EPOCH, null, false, null);
        var result = new CommandResult.CloneResult(clone, "hunter2-secret", "created");
        assertThat(result.toString()).doesNotContain("hunter2-secret").contains("***");
    }

    @Test
    void everyErrorKindMapsToAnHttpStatus() {
        assertThat(ErrorKind.FORBIDDEN.httpStatus()).isEqualTo(403);
        assertThat(ErrorKind.QUOTA_EXCEEDED.httpStatus()).isEqualTo(429);
        assertThat(ErrorKind.UNAVAILABLE.httpStatus()).isEqualTo(503);
    }

    @Test
    void principalGroupsAreImmutableCopies() {
        var groups = new HashSet<>(Set.of("S1"));
        var p = Principal.slackUser("U1", groups);
        groups.add("S2");
        assertThat(p.groups()).containsExactly("S1");
    }
}
