package dev.dolly.agent.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guard on majors, and an upgrade rehearsal's restore failures. */
class PostgresMajorsGuardTest {

    @Test
    void aNewerSourceThanTheTemplateIsRefusedNamingBothMajorsAndThePostgresLine() {
        assertThatThrownBy(() -> SourceGuard.checkMajor(18, "18.1", "shop", 15))
                .isInstanceOf(RefreshException.class)
                .hasMessageContaining("PostgreSQL 18").hasMessageContaining("PostgreSQL 15 clones")
                .hasMessageContaining("`postgres: 18` under templates.shop");
        for (int m = 12; m <= 18; m++) {
            int major = m;
            assertThatCode(() -> SourceGuard.checkMajor(major, major + ".0", "shop", 18)).doesNotThrowAnyException();
            assertThatCode(() -> SourceGuard.checkMajor(major, major + ".0", "shop", null)).doesNotThrowAnyException();
        }
        assertThatThrownBy(() -> SourceGuard.checkMajor(11, "11.22", "shop", null)).hasMessageContaining("from PostgreSQL 12 to 18");
        assertThatThrownBy(() -> SourceGuard.checkMajor(19, "19devel", "shop", null)).hasMessageContaining("from PostgreSQL 12 to 18");
    }

    @Test
    void failuresFailTheRefreshUnlessAllowFailuresNamesThem() {
        SqlScript.Entry view = new SqlScript.Entry("VIEW", "bg", "public", "CREATE VIEW public.bg AS SELECT buffers_backend FROM pg_stat_bgwriter;");
        SqlScript.Entry fn = new SqlScript.Entry("FUNCTION", "f()", "public", "CREATE FUNCTION public.f() ...");
        RestoreFailures allowed = new RestoreFailures("shop", List.of("public.bg"));
        allowed.add(view, new SQLException("column \"buffers_backend\" does not exist", "42703"));
        assertThatCode(() -> allowed.check("pre-data", 15, 17)).doesNotThrowAnyException();
        assertThat(allowed.all()).singleElement().satisfies(f -> {
            assertThat(f.object()).isEqualTo("public.bg");
            assertThat(f.sqlState()).isEqualTo("42703");
            assertThat(f.statement()).contains("buffers_backend");
            assertThat(f.allowed()).isTrue();
        });

        RestoreFailures refused = new RestoreFailures("shop", List.of("FUNCTION public.f()"));
        refused.add(fn, new SQLException("boom", "42883"));
        refused.add(view, new SQLException("column \"buffers_backend\" does not exist", "42703"));
        assertThatThrownBy(() -> refused.check("pre-data", 15, 17))
                .hasMessageContaining("15 → 17").hasMessageContaining("VIEW public.bg (SQLSTATE 42703")
                .hasMessageContaining("templates.shop.upgrade.allowFailures: [public.bg]")
                .hasMessageNotContaining("public.f()");
    }
}
