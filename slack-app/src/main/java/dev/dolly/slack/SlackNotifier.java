package dev.dolly.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.chat.ChatUpdateResponse;
import com.slack.api.model.block.LayoutBlock;
import dev.dolly.control.api.CloneInfo;
import dev.dolly.control.api.CommandResult.RefreshInfo;
import dev.dolly.control.api.Notifier;
import dev.dolly.slack.blocks.BlockKit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The control plane's {@link Notifier} in Slack. Refresh progress updates one message per refresh job in place
 * ({@code chat.postMessage} once, then {@code chat.update}); a finished or failed refresh updates that message one
 * last time and is posted to the template's channel; expiry warnings go to the owner as a direct message with the
 * clone's buttons. Slack being unreachable never fails the caller: problems are logged.
 */
final class SlackNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(SlackNotifier.class);

    private final MethodsClient methods;
    private final SlackSettings settings;
    private final BlockKit kit;
    private final ProgressMessageStore messages;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    SlackNotifier(MethodsClient methods, SlackSettings settings, BlockKit kit, ProgressMessageStore messages) {
        this.methods = methods;
        this.settings = settings;
        this.kit = kit;
        this.messages = messages;
    }

    @Override
    public void refreshProgress(RefreshInfo refresh) {
        String channel = settings.channelFor(refresh.template());
        if (channel == null) {
            log.debug("No Slack channel for template {}; progress not shown", refresh.template());
            return;
        }
        String job = refresh.job() == null ? "" : refresh.job();
        synchronized (locks.computeIfAbsent(refresh.template() + "/" + job, k -> new Object())) {
            try {
                Optional<ProgressMessageStore.MessageRef> existing = messages.find(refresh.template(), job);
                if (existing.isPresent() && update(existing.get(), kit.refreshText(refresh), kit.refreshBlocks(refresh))) return;
                post(channel, kit.refreshText(refresh), kit.refreshBlocks(refresh))
                        .ifPresent(ref -> messages.save(refresh.template(), job, ref));
            } catch (Exception e) {
                log.warn("Could not show progress of refresh {} of {} in Slack: {}", job, refresh.template(), e.getMessage());
            }
        }
    }

    @Override
    public void refreshFinished(RefreshInfo refresh) {
        String channel = settings.channelFor(refresh.template());
        if (channel == null) {
            log.info("No Slack channel for template {}; refresh outcome not posted", refresh.template());
            return;
        }
        String job = refresh.job() == null ? "" : refresh.job();
        String key = refresh.template() + "/" + job;
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            try {
                List<LayoutBlock> blocks = kit.refreshBlocks(refresh);
                messages.find(refresh.template(), job).ifPresent(ref -> update(ref, kit.refreshText(refresh), blocks));
                post(channel, kit.refreshText(refresh), blocks);
                messages.remove(refresh.template(), job);
            } catch (Exception e) {
                log.warn("Could not post the outcome of refresh {} of {} to Slack: {}", job, refresh.template(), e.getMessage());
            } finally {
                locks.remove(key);
            }
        }
    }

    @Override
    public void checkFinished(dev.dolly.control.api.CommandResult.CheckResult check, String channel) {
        String to = channel != null ? channel : settings.channelFor(check.template());
        if (to == null) {
            log.info("No Slack channel for template {}; check {} not posted", check.template(), check.check());
            return;
        }
        try {
            post(to, dev.dolly.slack.blocks.CheckBlocks.text(check), dev.dolly.slack.blocks.CheckBlocks.card(check));
        } catch (Exception e) {
            log.warn("Could not post check {} to Slack: {}", check.check(), e.getMessage());
        }
    }

    @Override
    public void expiryWarning(String ownerPrincipalId, CloneInfo clone, Instant expiresAt) {
        if (ownerPrincipalId == null || !ownerPrincipalId.matches("[UW][A-Z0-9]{2,}")) {
            log.debug("Owner {} of clone {} is not a Slack user; no expiry warning sent", ownerPrincipalId, clone.id());
            return;
        }
        try {
            // A user id as the channel delivers a direct message from the app.
            post(ownerPrincipalId, "Your clone " + clone.id() + " expires soon", kit.expiryWarning(clone, expiresAt));
        } catch (Exception e) {
            log.warn("Could not warn {} that clone {} expires: {}", ownerPrincipalId, clone.id(), e.getMessage());
        }
    }

    private Optional<ProgressMessageStore.MessageRef> post(String channel, String text, List<LayoutBlock> blocks) throws Exception {
        ChatPostMessageResponse r = methods.chatPostMessage(m -> m.channel(channel).text(text).blocks(blocks));
        if (!r.isOk()) {
            log.warn("chat.postMessage to {} failed: {}", channel, r.getError());
            return Optional.empty();
        }
        return Optional.of(new ProgressMessageStore.MessageRef(r.getChannel(), r.getTs()));
    }

    private boolean update(ProgressMessageStore.MessageRef ref, String text, List<LayoutBlock> blocks) {
        try {
            ChatUpdateResponse r = methods.chatUpdate(m -> m.channel(ref.channel()).ts(ref.ts()).text(text).blocks(blocks));
            if (!r.isOk()) log.warn("chat.update of {} in {} failed: {}", ref.ts(), ref.channel(), r.getError());
            return r.isOk();
        } catch (Exception e) {
            log.warn("chat.update of {} in {} failed: {}", ref.ts(), ref.channel(), e.getMessage());
            return false;
        }
    }
}
