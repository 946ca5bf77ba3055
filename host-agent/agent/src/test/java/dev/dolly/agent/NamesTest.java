package dev.dolly.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.agent.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "shop", "my-clone_2", "a23456789012345678901234567890123456789012345678901234567890123"})
    void acceptsValidIds(String s) {
        assertThat(Names.cloneId(s)).isEqualTo(s);
        assertThat(Names.template(s)).isEqualTo(s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "A", "1abc", "-x", "has space", "semi;colon", "a/b", "a@b", "x\ny", "dollar$", "ünï",
            "a234567890123456789012345678901234567890123456789012345678901234", "../etc", "a.b", "$(rm -rf /)"})
    void rejectsEverythingElse(String s) {
        assertThatThrownBy(() -> Names.cloneId(s)).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_NAME));
    }

    @Test
    void nullIsMissing() {
        assertThatThrownBy(() -> Names.cloneId(null)).hasMessageContaining("missing");
    }

    @Test
    void savepointsMayStartWithADigit() {
        assertThat(Names.savepoint("2026-11-22")).isEqualTo("2026-11-22");
        assertThatThrownBy(() -> Names.savepoint("Before")).isInstanceOf(AgentException.class);
        assertThatThrownBy(() -> Names.savepoint("a@b")).isInstanceOf(AgentException.class);
    }

    @Test
    void ownersAndTheirRoles() {
        assertThat(Names.owner("slack:U024BE7LH")).isEqualTo("slack:U024BE7LH");
        assertThat(Names.roleForOwner("slack:U024BE7LH")).isEqualTo("slack_u024be7lh");
        assertThat(Names.roleForOwner("ci:deploy-bot")).isEqualTo("ci_deploy_bot");
        assertThat(Names.roleForOwner("42")).isEqualTo("u_42");
        assertThat(Names.roleForOwner("postgres")).isEqualTo("u_postgres");
        assertThat(Names.roleForOwner("dolly_agent")).isEqualTo("u_dolly_agent");
        assertThat(Names.roleForOwner("pg_monitor")).isEqualTo("u_pg_monitor");
        assertThat(Names.roleForOwner("a".repeat(120))).hasSize(63);
        assertThatThrownBy(() -> Names.owner("a b")).isInstanceOf(AgentException.class);
        assertThatThrownBy(() -> Names.owner("x'; DROP")).isInstanceOf(AgentException.class);
        assertThatThrownBy(() -> Names.role("dolly_agent")).hasMessageContaining("reserved");
    }

    @Test
    void databasesAndRoots() {
        assertThat(Names.database("shop_db")).isEqualTo("shop_db");
        assertThatThrownBy(() -> Names.database("shop-db")).isInstanceOf(AgentException.class);
        assertThat(Names.datasetRoot("dolly")).isEqualTo("dolly");
        assertThat(Names.datasetRoot("tank/dolly/it-3fa2")).isEqualTo("tank/dolly/it-3fa2");
        assertThatThrownBy(() -> Names.datasetRoot("dolly/")).isInstanceOf(AgentException.class);
        assertThatThrownBy(() -> Names.datasetRoot("/dolly")).isInstanceOf(AgentException.class);
        assertThatThrownBy(() -> Names.datasetRoot("dolly@snap")).isInstanceOf(AgentException.class);
    }
}
