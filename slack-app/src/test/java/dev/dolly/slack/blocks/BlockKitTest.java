package dev.dolly.slack.blocks;

import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.composition.MarkdownTextObject;
import dev.dolly.control.api.CloneInfo;
import dev.dolly.control.api.CloneState;
import dev.dolly.slack.grammar.DollyGrammar;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlockKitTest {
    static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");
    final BlockKit kit = new BlockKit(Clock.fixed(NOW, ZoneOffset.UTC), DollyGrammar.create("/dolly"));

    static CloneInfo clone(String id, String connection) {
        return new CloneInfo(id, CloneState.READY, "shop", "snap-1", NOW.minus(Duration.ofHours(3)), "U0ALICE", "h", 6001, "shop",
                "u", connection, NOW, NOW.plus(Duration.ofHours(2)), false, NOW);
    }

    @Test
    void connectionStringsNeverCarryAPassword() {
        assertThat(BlockKit.connectionString(clone("a", "postgresql://u:s3cret@h:6001/shop"))).isEqualTo("postgresql://u@h:6001/shop");
        assertThat(BlockKit.connectionString(clone("a", "postgresql://u@h:6001/shop?sslmode=disable&password=s3cret")))
                .isEqualTo("postgresql://u@h:6001/shop?sslmode=disable&password=***");
        assertThat(BlockKit.connectionString(clone("a", null))).isEqualTo("postgresql://u@h:6001/shop");
    }

    @Test
    void aReplyWithCredentialsCannotBePostedInAChannel() {
        assertThatThrownBy(() -> new Reply("x", List.of(), Reply.Visibility.IN_CHANNEL, true, false))
                .isInstanceOf(IllegalArgumentException.class);
        Reply secret = new Reply("x", List.of(), Reply.Visibility.EPHEMERAL, true, false);
        assertThat(secret.visibleTo(Reply.Visibility.IN_CHANNEL).inChannel()).isFalse();
    }

    @Test
    void staysWithinSlackLimits() {
        List<CloneInfo> many = IntStream.range(0, 60).mapToObj(i -> clone("c" + i, null)).toList();
        assertThat(kit.home(many, null, null).getBlocks().size()).isLessThanOrEqualTo(100);
        var list = kit.result(new dev.dolly.slack.grammar.ParseResult.Parsed(null, new dev.dolly.control.api.Command.ListClones(false), false),
                new dev.dolly.control.api.CommandResult.CloneList(many));
        assertThat(list.get(0).blocks().size()).isLessThanOrEqualTo(50);
        for (var block : kit.help(null).blocks()) {
            if (block instanceof SectionBlock s && s.getText() instanceof MarkdownTextObject m) assertThat(m.getText().length()).isLessThanOrEqualTo(3000);
        }
    }

    @Test
    void showsThePostgresMajorAndTheUpgradeRehearsal() {
        CloneInfo c = new CloneInfo("a", CloneState.READY, "shop", "snap-1", NOW, "U0ALICE", "h", 6001, "shop", "u", null, NOW,
                NOW.plus(Duration.ofHours(2)), false, NOW, 17);
        assertThat(text(kit.cloneCard(c, false))).contains("PostgreSQL 17");
        var templates = new dev.dolly.control.api.CommandResult.TemplateList(List.of(new dev.dolly.control.api.CommandResult.TemplateInfo(
                "shop", "Demo", "snap-1", NOW, null, 18, "15 → 18; every object restored")));
        var reply = kit.result(new dev.dolly.slack.grammar.ParseResult.Parsed(null, new dev.dolly.control.api.Command.Templates(), false),
                templates);
        assertThat(text(reply.get(0).blocks())).contains("PostgreSQL 18").contains("upgrade rehearsal 15 → 18");
        var done = new dev.dolly.control.api.CommandResult.RefreshInfo("shop", "j1", "SUCCEEDED", "finish", 2, 2, 10, null, "snap-2", null,
                "15 → 18; 1 object failed (allowed): public.v");
        assertThat(text(kit.refreshBlocks(done))).contains("Upgrade rehearsal 15 → 18").contains("public.v");
    }

    private static String text(List<com.slack.api.model.block.LayoutBlock> blocks) {
        StringBuilder b = new StringBuilder();
        for (var block : blocks) {
            if (block instanceof SectionBlock s) {
                if (s.getText() instanceof MarkdownTextObject m) b.append(m.getText()).append('\n');
                if (s.getFields() != null) s.getFields().forEach(f -> b.append(f instanceof MarkdownTextObject m ? m.getText() : "").append('\n'));
            }
        }
        return b.toString();
    }

    @Test
    void formatsSizesAndEscapesMrkdwn() {
        assertThat(BlockKit.bytes(512)).isEqualTo("512 B");
        assertThat(BlockKit.bytes(1_250_000_000L)).isEqualTo("1.2 GB");
        assertThat(BlockKit.bytes(6_000_000_000L)).isEqualTo("5.6 GB");
        assertThat(BlockKit.esc("<@U1> & <!channel>")).isEqualTo("&lt;@U1&gt; &amp; &lt;!channel&gt;");
    }

    @Test
    void aNewTokenIsOnlyEverShownToItsOwnerEvenWithShare() {
        var info = new dev.dolly.control.api.CommandResult.TokenInfo("tok-0123456789", "U1", NOW, NOW.plusSeconds(3600), null, null);
        var issued = new dev.dolly.control.api.CommandResult.TokenIssued(info, "dolly_pat_" + "x".repeat(43), "Token tok-0123456789 issued.");
        var shared = new dev.dolly.slack.grammar.ParseResult.Parsed(null, new dev.dolly.control.api.Command.TokenIssue(null, "u"), true);
        var replies = kit.result(shared, issued);
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).secret()).isTrue();
        assertThat(replies.get(0).inChannel()).isFalse();
        assertThat(replies.get(0).blocks().toString()).contains("dolly_pat_").contains("token revoke tok-0123456789");
        var list = kit.result(new dev.dolly.slack.grammar.ParseResult.Parsed(null, new dev.dolly.control.api.Command.TokenList(false), false),
                new dev.dolly.control.api.CommandResult.TokenList(java.util.List.of(info)));
        assertThat(list.get(0).blocks().toString()).contains("tok-0123456789").doesNotContain("dolly_pat_");
    }
}
