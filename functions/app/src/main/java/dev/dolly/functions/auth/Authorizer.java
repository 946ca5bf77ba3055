package dev.dolly.functions.auth;

import dev.dolly.control.api.Command;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.config.DollyConfig;
import dev.dolly.functions.config.DollyConfig.GrantConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every authorization decision, in one place, deny by default. A principal's role on a template is
 * the highest role of the grants that name it (Slack user id, the id of one of its Slack user groups, or CI
 * key id) and cover the template ({@code "*"} covers all). The scheduler is admin everywhere.
 * A refusal says which grant is missing.
 */
public final class Authorizer {
    /** Clones a principal may hold when its grants set no {@code maxClones}. */
    public static final int DEFAULT_MAX_CLONES_DEVELOPER = 5;
    public static final int DEFAULT_MAX_CLONES_ADMIN = 20;

    /** A Slack user group id: grants name groups by id, never by handle. */
    private static final java.util.regex.Pattern SLACK_GROUP_ID = java.util.regex.Pattern.compile("S[A-Z0-9]{2,}");

    private final DollyConfig config;

    public Authorizer(DollyConfig config) {
        this.config = config;
        for (GrantConfig g : config.grants()) {
            Role.parse(g.role()); // fail fast on a typo
            for (String group : g.slackGroups()) {
                if (!SLACK_GROUP_ID.matcher(group).matches()) {
                    throw new IllegalArgumentException("grant " + (g.name() == null ? "" : "'" + g.name() + "' ") + "slackGroups: '" + group
                            + "' is not a Slack user group id (S followed by letters and digits, e.g. S0123ABCD); grants match groups by id only, "
                            + "never by handle, which anyone who may edit groups can rename or reuse.");
                }
            }
        }
    }

    /** The unique key a principal is stored under (clone owner, quota counter, audit). */
    public static String key(Principal p) {
        return switch (p.kind()) {
            case SLACK_USER -> "slack:" + p.id();
            case CI_KEY -> "ci:" + p.id();
            case SCHEDULER -> "scheduler";
        };
    }

    /** Who acted, as the audit trail records it: the principal's key, and the personal token it asked through. */
    public static String actor(Principal p) {
        return p.token() == null ? key(p) : key(p) + " token:" + p.token();
    }

    /** An admin (of any template): may list and revoke anyone's personal tokens. */
    public boolean isAdmin(Principal p) {
        return p.kind() == Principal.Kind.SCHEDULER || grantsOf(p).stream().anyMatch(g -> Role.parse(g.role()) == Role.ADMIN);
    }

    public static String describe(Principal p) {
        return switch (p.kind()) {
            case SLACK_USER -> "Slack user " + p.id();
            case CI_KEY -> "CI key " + p.id();
            case SCHEDULER -> "the scheduler";
        };
    }

    private static boolean matches(GrantConfig g, Principal p) {
        return switch (p.kind()) {
            case SLACK_USER -> g.slackUsers().contains(p.id()) || p.groups().stream().anyMatch(g.slackGroups()::contains);
            case CI_KEY -> g.ciKeys().contains(p.id());
            case SCHEDULER -> false;
        };
    }

    private static boolean covers(GrantConfig g, String template) {
        return g.templates().contains("*") || (template != null && g.templates().contains(template));
    }

    private List<GrantConfig> grantsOf(Principal p) {
        List<GrantConfig> out = new ArrayList<>();
        for (GrantConfig g : config.grants()) {
            if (matches(g, p)) out.add(g);
        }
        return out;
    }

    /** The principal's role on {@code template}, or empty when no grant covers it. */
    public Optional<Role> roleOn(Principal p, String template) {
        if (p.kind() == Principal.Kind.SCHEDULER) {
            return Optional.of(Role.ADMIN);
        }
        Role best = null;
        for (GrantConfig g : grantsOf(p)) {
            if (covers(g, template)) {
                Role r = Role.parse(g.role());
                if (best == null || r.atLeast(best)) best = r;
            }
        }
        return Optional.ofNullable(best);
    }

    public boolean has(Principal p, String template, Role role) {
        return roleOn(p, template).map(r -> r.atLeast(role)).orElse(false);
    }

    /** True when any grant names the principal (viewer anywhere). */
    public boolean hasAnyGrant(Principal p) {
        return p.kind() == Principal.Kind.SCHEDULER || !grantsOf(p).isEmpty();
    }

    /** How many clones the principal may hold at once (over all templates). */
    public int maxClones(Principal p) {
        if (p.kind() == Principal.Kind.SCHEDULER) return Integer.MAX_VALUE;
        int max = 0;
        for (GrantConfig g : grantsOf(p)) {
            Role r = Role.parse(g.role());
            if (!r.atLeast(Role.DEVELOPER)) continue;
            int m = g.maxClones() != null ? g.maxClones()
                    : (r == Role.ADMIN ? DEFAULT_MAX_CLONES_ADMIN : DEFAULT_MAX_CLONES_DEVELOPER);
            max = Math.max(max, m);
        }
        return max;
    }

    /** The longest TTL the principal may give a clone of {@code template}: the template's cap, lowered by its grants. */
    public Duration maxTtl(Principal p, String template) {
        DollyConfig.TemplateConfig t = config.template(template);
        Duration cap = t == null ? Duration.ofHours(72) : t.cloneDefaults().maxTtlOrDefault();
        if (p.kind() == Principal.Kind.SCHEDULER) return cap;
        Duration best = null;
        boolean unlimitedGrant = false;
        for (GrantConfig g : grantsOf(p)) {
            if (!covers(g, template) || !Role.parse(g.role()).atLeast(Role.DEVELOPER)) continue;
            if (g.maxTtl() == null) {
                unlimitedGrant = true;
            } else {
                Duration d = g.maxTtl();
                if (best == null || d.compareTo(best) > 0) best = d;
            }
        }
        if (unlimitedGrant || best == null) return cap;
        return best.compareTo(cap) < 0 ? best : cap;
    }

    /**
     * Checks {@code command} for {@code p}. {@code template} is the template the command concerns
     * (the clone's template for clone commands; null for global ones); {@code cloneOwnerKey} the
     * owner of the clone it acts on (null when none).
     *
     * @throws DollyException FORBIDDEN naming the missing grant
     */
    public void check(Principal p, Command command, String template, String cloneOwnerKey) {
        boolean own = cloneOwnerKey != null && cloneOwnerKey.equals(key(p));
        if (command instanceof Command.Create c) {
            require(p, c.template(), Role.DEVELOPER, "create clones of");
        } else if (command instanceof Command.Check || command instanceof Command.CheckStart) {
            require(p, template, Role.DEVELOPER, "run migration checks on");
        } else if (command instanceof Command.ListClones) {
            requireAny(p, "list clones");
        } else if (command instanceof Command.Templates) {
            requireAny(p, "list templates");
        } else if (command instanceof Command.Status) {
            requireAny(p, "see the status");
        } else if (command instanceof Command.Show) {
            require(p, template, Role.VIEWER, "see clones of");
        } else if (command instanceof Command.Snapshots) {
            require(p, template, Role.VIEWER, "see the snapshots of");
        } else if (command instanceof Command.Refresh) {
            require(p, template, Role.ADMIN, "refresh");
        } else if (command instanceof Command.Protect) {
            require(p, template, Role.ADMIN, "protect clones of");
        } else {
            // reset, savepoint, rollback, destroy, extend, password: the owner (developer) or an admin
            requireOwnOrAdmin(p, command, template, own, cloneOwnerKey);
        }
    }

    private void requireAny(Principal p, String what) {
        if (!hasAnyGrant(p)) {
            throw new DollyException(ErrorKind.FORBIDDEN, "Refused: to " + what + " you need a grant (at least role viewer on a template); "
                    + "no grant names " + describe(p) + ". Ask a Dolly admin to add one under `grants:`.");
        }
    }

    private void require(Principal p, String template, Role role, String what) {
        if (!has(p, template, role)) {
            Optional<Role> have = roleOn(p, template);
            throw new DollyException(ErrorKind.FORBIDDEN, "Refused: to " + what + " template '" + template + "' you need the grant role "
                    + role.label() + " on template '" + template + "'; " + describe(p)
                    + (have.isPresent() ? " has only " + have.get().label() : " has no grant on it")
                    + ". Ask a Dolly admin to add it under `grants:`.");
        }
    }

    private void requireOwnOrAdmin(Principal p, Command command, String template, boolean own, String ownerKey) {
        String verb = command.verb();
        if (own) {
            if (!has(p, template, Role.DEVELOPER)) {
                Optional<Role> have = roleOn(p, template);
                throw new DollyException(ErrorKind.FORBIDDEN, "Refused: to " + verb + " your clone you need the grant role developer on template '"
                        + template + "'; " + describe(p) + (have.isPresent() ? " has only " + have.get().label() : " has no grant on it")
                        + ". Ask a Dolly admin to add it under `grants:`.");
            }
            return;
        }
        if (!has(p, template, Role.ADMIN)) {
            throw new DollyException(ErrorKind.FORBIDDEN, "Refused: this clone belongs to " + (ownerKey == null ? "someone else" : ownerKey)
                    + "; to " + verb + " another principal's clone you need the grant role admin on template '" + template + "', which "
                    + describe(p) + " does not have. Ask the owner, or a Dolly admin.");
        }
    }
}
