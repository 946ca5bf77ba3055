package dev.dolly.functions.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.Harness;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The command port's idempotency keys (Slack sends one per trigger): a repeat returns the first result, refusals included. */
class CommandIdempotencyTest {
    private static final Principal DEV = Principal.slackUser("UDEV", Set.of());
    private Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness(Harness.yaml(""));
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void aRepeatedKeyReturnsTheFirstResultAndDoesNothingElse() {
        h.seedClone("mine", "slack:UDEV", "shop", null, Duration.ofHours(2));
        CommandResult first = h.service.execute(DEV, Front.SLACK, new Command.Extend("mine", Duration.ofHours(1)), "slack:t1");
        CommandResult again = h.service.execute(DEV, Front.SLACK, new Command.Extend("mine", Duration.ofHours(1)), "slack:t1");
        assertThat(again).isInstanceOf(CommandResult.CloneResult.class);
        assertThat(((CommandResult.CloneResult) again).info()).isEqualTo(((CommandResult.CloneResult) first).info());
        // extended once, not twice
        assertThat(h.store.auditOf("clone:mine")).filteredOn(a -> a.getAction().equals("extend")).hasSize(1);
        CommandResult templates = h.service.execute(DEV, Front.SLACK, new Command.Templates(), "slack:t2");
        assertThat(h.service.execute(DEV, Front.SLACK, new Command.Templates(), "slack:t2")).isEqualTo(templates);
    }

    @Test
    void refusalsAreRememberedToo() {
        assertThatThrownBy(() -> h.service.execute(DEV, Front.SLACK, new Command.Destroy("nope"), "slack:t3"))
                .isInstanceOf(DollyException.class);
        h.seedClone("nope", "slack:UDEV", "shop", null, Duration.ofHours(2));
        assertThatThrownBy(() -> h.service.execute(DEV, Front.SLACK, new Command.Destroy("nope"), "slack:t3"))
                .isInstanceOf(DollyException.class)
                .satisfies(e -> assertThat(((DollyException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND));
        assertThat(h.store.clone("nope")).isNotNull();
    }

    @Test
    void aKeyReusedForAnotherCommandIsRefused() {
        h.service.execute(DEV, Front.SLACK, new Command.Templates(), "slack:t4");
        assertThatThrownBy(() -> h.service.execute(DEV, Front.SLACK, new Command.Status(), "slack:t4"))
                .isInstanceOf(DollyException.class)
                .hasMessageContaining("different command");
    }

    @Test
    void theRequestHashIsTheSha256OfTheCanonicalCommand() {
        h.service.execute(DEV, Front.SLACK, new Command.Templates(), "slack:t5");
        assertThat(h.store.idempotency("cmd:slack:UDEV", "slack:t5").getRequestHash()).matches("[0-9a-f]{64}");
    }

    @Test
    void answersThatSayTryAgainAreNeverMemoized() {
        // over quota (3 clones for a developer): 429; once a clone is gone the same key creates
        h.seedClone("a1", "slack:UDEV", "shop", null, Duration.ofHours(2));
        h.seedClone("a2", "slack:UDEV", "shop", null, Duration.ofHours(2));
        h.seedClone("a3", "slack:UDEV", "shop", null, Duration.ofHours(2));
        Command create = new Command.Create("shop", "a4", Duration.ofHours(1), null, true);
        assertThatThrownBy(() -> h.service.execute(DEV, Front.SLACK, create, "slack:t6"))
                .satisfies(e -> assertThat(((DollyException) e).kind()).isEqualTo(ErrorKind.QUOTA_EXCEEDED));
        assertThat(h.store.idempotency("cmd:slack:UDEV", "slack:t6")).as("nothing kept for a 429").isNull();
    }
}
