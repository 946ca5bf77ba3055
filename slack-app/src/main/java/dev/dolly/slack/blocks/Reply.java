package dev.dolly.slack.blocks;

import com.slack.api.model.block.LayoutBlock;

import java.util.List;

/**
 * One message to send: fallback {@code text}, Block Kit {@code blocks}, who sees it, and whether it carries a
 * credential. A {@code secret} reply is always {@link Visibility#EPHEMERAL}: the constructor refuses anything else.
 */
public record Reply(String text, List<LayoutBlock> blocks, Visibility visibility, boolean secret, boolean error) {
    public enum Visibility { EPHEMERAL, IN_CHANNEL }

    public Reply {
        blocks = List.copyOf(blocks);
        if (secret && visibility != Visibility.EPHEMERAL) {
            throw new IllegalArgumentException("a reply with credentials can only be ephemeral");
        }
    }

    public static Reply ephemeral(String text, List<LayoutBlock> blocks) {
        return new Reply(text, blocks, Visibility.EPHEMERAL, false, false);
    }

    public boolean inChannel() { return visibility == Visibility.IN_CHANNEL; }

    /** Slack's {@code response_type}. */
    public String responseType() { return inChannel() ? "in_channel" : "ephemeral"; }

    public Reply visibleTo(Visibility v) {
        return secret ? this : new Reply(text, blocks, v, false, error);
    }
}
