package dev.dolly.functions.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.control.api.Command;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.Harness;
import dev.dolly.functions.config.ConfigLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Role × action × own/other's clone × granted/ungranted template: who may do what, and refusals that name the grant. */
class AuthorizationMatrixTest {
    private final Authorizer auth = new Authorizer(ConfigLoader.fromYaml(Harness.yaml("")));

    enum Who {
        NONE(Principal.slackUser("UNONE", Set.of()), null),
        VIEWER(Principal.slackUser("UVIEW", Set.of()), Role.VIEWER),
        DEVELOPER(Principal.slackUser("UDEV", Set.of()), Role.DEVELOPER),
        DEVELOPER_BY_GROUP(Principal.slackUser("UOTHER", Set.of("SDEVS")), Role.DEVELOPER),
        DEVELOPER_CI(Principal.ciKey("ci-dev"), Role.DEVELOPER),
        ADMIN(Principal.slackUser("UADMIN", Set.of()), Role.ADMIN);

        final Principal principal;
        final Role roleOnShop;

        Who(Principal p, Role r) { principal = p; roleOnShop = r; }
    }

    static List<Command> commands(String template) {
        return List.of(new Command.Create(template, "c1", Duration.ofHours(1), null, true), new Command.ListClones(false),
                new Command.ListClones(true), new Command.Show("c1"), new Command.Reset("c1", null), new Command.Savepoint("c1", "sp"),
                new Command.Rollback("c1", "sp"), new Command.Destroy("c1"), new Command.Protect("c1", true),
                new Command.Extend("c1", Duration.ofHours(1)), new Command.Password("c1"), new Command.Snapshots(template),
                new Command.Refresh(template), new Command.Templates(), new Command.Status());
    }

    /** The specification, written out plainly. */
    static boolean allowed(Role role, Command c, boolean granted, boolean own) {
        if (role == null) return false;
        boolean global = c instanceof Command.ListClones || c instanceof Command.Templates || c instanceof Command.Status;
        if (global) return true;           // any grant at all
        if (!granted) return false;        // nothing on a template without a grant on it
        if (c instanceof Command.Show || c instanceof Command.Snapshots) return true;
        if (c instanceof Command.Create) return role.atLeast(Role.DEVELOPER);
        if (c instanceof Command.Protect || c instanceof Command.Refresh) return role == Role.ADMIN;
        // reset, savepoint, rollback, destroy, extend, password
        return role == Role.ADMIN || (own && role == Role.DEVELOPER);
    }

    @TestFactory
    Stream<DynamicTest> matrix() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Who who : Who.values()) {
            for (String template : List.of("shop", "crm")) {
                for (boolean own : List.of(true, false)) {
                    for (Command c : commands(template)) {
                        boolean granted = template.equals("shop");
                        boolean expected = allowed(who.roleOnShop, c, granted, own);
                        String owner = own ? Authorizer.key(who.principal) : "slack:USOMEONEELSE";
                        String name = who + " " + c.verb() + (c instanceof Command.ListClones l && l.all() ? " all" : "")
                                + " on " + template + (own ? " (own)" : " (other's)") + " -> " + (expected ? "allowed" : "refused");
                        tests.add(DynamicTest.dynamicTest(name, () -> {
                            if (expected) {
                                auth.check(who.principal, c, template, owner);
                            } else {
                                assertThatThrownBy(() -> auth.check(who.principal, c, template, owner))
                                        .isInstanceOf(DollyException.class)
                                        .satisfies(e -> {
                                            assertThat(((DollyException) e).kind()).isEqualTo(ErrorKind.FORBIDDEN);
                                            assertThat(e.getMessage()).containsAnyOf("role viewer", "role developer", "role admin", "a grant");
                                        });
                            }
                        }));
                    }
                }
            }
        }
        return tests.stream();
    }

    @Test
    void refusalNamesTheMissingGrant() {
        assertThatThrownBy(() -> auth.check(Who.VIEWER.principal, new Command.Create("shop", "x", null, null, true), "shop", null))
                .hasMessageContaining("role developer on template 'shop'")
                .hasMessageContaining("has only viewer");
        assertThatThrownBy(() -> auth.check(Who.DEVELOPER.principal, new Command.Create("crm", "x", null, null, true), "crm", null))
                .hasMessageContaining("role developer on template 'crm'")
                .hasMessageContaining("has no grant on it");
        assertThatThrownBy(() -> auth.check(Who.DEVELOPER.principal, new Command.Destroy("x"), "shop", "slack:UADMIN"))
                .hasMessageContaining("role admin on template 'shop'")
                .hasMessageContaining("belongs to slack:UADMIN");
        assertThatThrownBy(() -> auth.check(Who.NONE.principal, new Command.ListClones(false), null, null))
                .hasMessageContaining("no grant names Slack user UNONE");
    }

    @Test
    void grantsMatchSlackGroupsByIdOnlyNeverByHandle() {
        // a handle (mutable, reusable by anyone who renames a group) in a grant is refused when the config loads
        assertThatThrownBy(() -> new Authorizer(ConfigLoader.fromYaml(Harness.yaml("").replace("slackGroups: [SDEVS]", "slackGroups: [devs]"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'devs'")
                .hasMessageContaining("group id");
        // a principal whose groups carry a handle equal to nothing but its id is matched by id only
        assertThat(auth.roleOn(Principal.slackUser("UOTHER", Set.of("devs", "sdevs")), "shop")).isEmpty();
        assertThat(auth.roleOn(Principal.slackUser("UOTHER", Set.of("SDEVS")), "shop")).contains(Role.DEVELOPER);
    }

    @Test
    void quotas() {
        assertThat(auth.maxClones(Who.DEVELOPER.principal)).isEqualTo(3);
        assertThat(auth.maxClones(Who.ADMIN.principal)).isEqualTo(Authorizer.DEFAULT_MAX_CLONES_ADMIN);
        assertThat(auth.maxClones(Who.VIEWER.principal)).isZero();
        assertThat(auth.maxTtl(Who.DEVELOPER.principal, "shop")).isEqualTo(Duration.ofHours(24));
        assertThat(auth.maxTtl(Who.ADMIN.principal, "shop")).isEqualTo(Duration.ofHours(72)); // the template's cap
        assertThat(auth.maxTtl(Principal.scheduler(), "crm")).isEqualTo(Duration.ofHours(24));
    }
}
