package dev.dolly.slack.identity;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.usergroups.UsergroupsListResponse;
import com.slack.api.methods.response.usergroups.users.UsergroupsUsersListResponse;
import com.slack.api.model.Usergroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which Slack user groups each user belongs to, for the control plane's authorization. One
 * {@code usergroups.list?include_users=true} call reads the whole directory (falling back to
 * {@code usergroups.users.list} for a group listed without its members); the result is cached for {@code ttl}
 * (expiry by the injected clock). A group appears by its id ({@code S0123ABC}) only, never by its handle
 * ({@code platform-team}, which anyone allowed to edit groups can rename or reuse), so grants match ids. When Slack cannot be asked, the last answer is kept and
 * asked again after a short back-off; with no answer at all, users have no groups (deny by default).
 */
public final class SlackGroupDirectory {
    private static final Logger log = LoggerFactory.getLogger(SlackGroupDirectory.class);
    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

    private record Snapshot(Map<String, Set<String>> groupsByUser, Instant expiresAt) {}

    private final MethodsClient methods;
    private final Clock clock;
    private final Duration ttl;
    private volatile Snapshot snapshot;

    public SlackGroupDirectory(MethodsClient methods, Clock clock, Duration ttl) {
        this.methods = methods;
        this.clock = clock;
        this.ttl = ttl;
    }

    /** The ids (never the handles) of the groups {@code userId} belongs to; empty when none or unknown. */
    public Set<String> groupsOf(String userId) {
        Snapshot s = snapshot;
        if (s == null || !clock.instant().isBefore(s.expiresAt())) s = refresh();
        return s.groupsByUser().getOrDefault(userId, Set.of());
    }

    /** Forgets the cached directory; the next lookup asks Slack. */
    public void invalidate() {
        snapshot = null;
    }

    private synchronized Snapshot refresh() {
        Snapshot current = snapshot;
        Instant now = clock.instant();
        if (current != null && now.isBefore(current.expiresAt())) return current; // another thread refreshed it
        try {
            Snapshot fresh = new Snapshot(load(), now.plus(ttl));
            snapshot = fresh;
            return fresh;
        } catch (IOException | SlackApiException | RuntimeException e) {
            Duration backOff = ttl.compareTo(RETRY_AFTER_FAILURE) < 0 ? ttl : RETRY_AFTER_FAILURE;
            Map<String, Set<String>> keep = current == null ? Map.of() : current.groupsByUser();
            log.warn("Could not read Slack user groups ({}); {} for {}", e.getMessage(),
                    current == null ? "users have no groups" : "keeping the last answer", backOff);
            Snapshot degraded = new Snapshot(keep, now.plus(backOff));
            snapshot = degraded;
            return degraded;
        }
    }

    private Map<String, Set<String>> load() throws IOException, SlackApiException {
        UsergroupsListResponse list = methods.usergroupsList(r -> r.includeUsers(true));
        if (!list.isOk()) throw new IOException("usergroups.list: " + list.getError());
        Map<String, Set<String>> byUser = new HashMap<>();
        for (Usergroup g : list.getUsergroups() == null ? List.<Usergroup>of() : list.getUsergroups()) {
            if (g.getDateDelete() != null && g.getDateDelete() > 0) continue;
            List<String> users = g.getUsers();
            if (users == null && (g.getUserCount() == null || g.getUserCount() > 0)) {
                UsergroupsUsersListResponse members = methods.usergroupsUsersList(r -> r.usergroup(g.getId()));
                if (!members.isOk()) throw new IOException("usergroups.users.list " + g.getId() + ": " + members.getError());
                users = members.getUsers();
            }
            if (users == null) continue;
            for (String u : users) {
                Set<String> groups = byUser.computeIfAbsent(u, k -> new HashSet<>());
                groups.add(g.getId()); // the id only: a handle can be renamed or reused by anyone who edits groups
            }
        }
        Map<String, Set<String>> frozen = new HashMap<>();
        byUser.forEach((u, g) -> frozen.put(u, Set.copyOf(g)));
        return Map.copyOf(frozen);
    }
}
