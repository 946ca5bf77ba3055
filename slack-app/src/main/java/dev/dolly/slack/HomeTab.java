package dev.dolly.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.response.views.ViewsPublishResponse;
import com.slack.api.model.view.View;
import dev.dolly.control.api.CloneInfo;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandPort;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;
import dev.dolly.slack.blocks.BlockKit;
import dev.dolly.slack.blocks.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes a user's App Home tab: their clones, freshly listed through the command port, with the clone buttons.
 * Passes the view's last known {@code hash} to {@code views.publish} so a stale publish cannot overwrite a newer
 * one; on {@code hash_conflict} it lists again and publishes without the hash.
 */
final class HomeTab {
    private static final Logger log = LoggerFactory.getLogger(HomeTab.class);
    private static final int MAX_REMEMBERED = 10_000;

    private final MethodsClient methods;
    private final CommandPort commands;
    private final BlockKit kit;
    private final ConcurrentHashMap<String, String> hashes = new ConcurrentHashMap<>();

    HomeTab(MethodsClient methods, CommandPort commands, BlockKit kit) {
        this.methods = methods;
        this.commands = commands;
        this.kit = kit;
    }

    /**
     * @param hash   the view hash Slack last reported for this user's home (app_home_opened), or null to use the
     *               one remembered from the last publish
     * @param notice the outcome of an action taken from the tab, shown on top; may be null
     */
    void publish(Principal principal, String hash, Reply notice) {
        String user = principal.id();
        if (hash != null) hashes.put(user, hash);
        try {
            ViewsPublishResponse r = publishOnce(principal, hashes.get(user), notice);
            if (!r.isOk() && "hash_conflict".equals(r.getError())) {
                log.debug("App Home of {} changed meanwhile; publishing a fresh list", user);
                r = publishOnce(principal, null, notice);
            }
            if (r.isOk()) {
                if (hashes.size() > MAX_REMEMBERED) hashes.clear();
                if (r.getView() != null && r.getView().getHash() != null) hashes.put(user, r.getView().getHash());
            } else {
                log.warn("views.publish for {} failed: {}", user, r.getError());
            }
        } catch (Exception e) {
            log.warn("Could not publish the App Home of {}: {}", user, e.getMessage());
        }
    }

    private ViewsPublishResponse publishOnce(Principal principal, String hash, Reply notice) throws Exception {
        List<CloneInfo> clones = List.of();
        String listError = null;
        try {
            CommandResult result = commands.execute(principal, Front.SLACK, new Command.ListClones(false));
            if (result instanceof CommandResult.CloneList list) clones = list.clones();
        } catch (DollyException e) {
            listError = e.getMessage();
        } catch (RuntimeException e) {
            log.error("Listing clones of {} for the App Home failed", principal.id(), e);
            listError = "Dolly could not list your clones just now. Try again in a minute.";
        }
        View view = kit.home(clones, notice, listError);
        return methods.viewsPublish(r -> r.userId(principal.id()).view(view).hash(hash));
    }
}
