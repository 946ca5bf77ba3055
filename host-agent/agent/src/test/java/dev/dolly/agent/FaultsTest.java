package dev.dolly.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultsTest {

    @AfterEach
    void clear() {
        Faults.onStep(null);
    }

    @Test
    void withoutAListenerAStepDoesNothing() {
        Faults.step("create.after-clone");
    }

    @Test
    void aListenerHearsEveryStepAndCanStopTheOperationPastItsCleanUp() {
        List<String> heard = new ArrayList<>();
        Faults.onStep(p -> {
            heard.add(p);
            if (p.equals("reset.after-stop")) {
                throw new Faults.Crash(p);
            }
        });
        Faults.step("reset.after-mark");
        assertThatThrownBy(() -> {
            try {
                Faults.step("reset.after-stop");
            } catch (RuntimeException e) {
                throw new AssertionError("a crash is not an exception an operation's clean-up catches", e);
            }
        }).isInstanceOf(Faults.Crash.class).isInstanceOf(Error.class).hasMessageContaining("reset.after-stop");
        assertThat(heard).containsExactly("reset.after-mark", "reset.after-stop");
    }
}
