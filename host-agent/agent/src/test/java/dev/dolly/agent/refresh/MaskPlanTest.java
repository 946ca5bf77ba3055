package dev.dolly.agent.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.dolly.agent.masking.ColumnType;
import dev.dolly.agent.masking.ColumnType.Family;
import dev.dolly.agent.masking.MaskingConfig;
import dev.dolly.agent.masking.Prf;
import dev.dolly.agent.masking.SourceColumn;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MaskPlanTest {

    private static final Prf PRF = new Prf("plan-test");

    private static Catalog.Column col(String name, Family f, boolean notNull) {
        return new Catalog.Column(name, 1, ColumnType.of(f), notNull, false);
    }

    private static Catalog catalog() {
        Catalog.Table users = new Catalog.Table(1, "public", "users", 'r', "public.users", 1000, 10, List.of(
                col("id", Family.INT8, true), col("email", Family.TEXT, true), col("name", Family.TEXT, false),
                col("ssn", Family.TEXT, false),
                new Catalog.Column("email_domain", 5, ColumnType.of(Family.TEXT), false, true)), Set.of("id", "email", "ssn"));
        Catalog.Table orders = new Catalog.Table(2, "public", "orders", 'r', "public.orders", 5000, 50, List.of(
                col("id", Family.INT8, true), col("user_email", Family.TEXT, false), col("contact", Family.TEXT, false),
                col("total", Family.NUMERIC, false)), Set.of("id"));
        Catalog.Table events = new Catalog.Table(3, "public", "events", 'p', "public.events", 0, 0, List.of(
                col("id", Family.INT8, true), col("email", Family.TEXT, false)), Set.of());
        Catalog.Table events1 = new Catalog.Table(4, "public", "events_1", 'r', "public.events", 300, 3, List.of(
                col("id", Family.INT8, true), col("email", Family.TEXT, false)), Set.of());
        Catalog.Table log = new Catalog.Table(5, "public", "log", 'r', "public.log", 10, 1, List.of(
                col("id", Family.INT8, true), col("user_id", Family.INT8, false), col("line", Family.TEXT, false)), Set.of("id"));
        return new Catalog(List.of(users, orders, events, events1, log), List.of(
                new Catalog.ForeignKey("orders_user_email_fkey", "public.orders", List.of("user_email"), "public.users", List.of("email")),
                new Catalog.ForeignKey("log_user_fkey", "public.log", List.of("user_id"), "public.users", List.of("id"))),
                List.of(), 0, Map.of());
    }

    private static MaskPlan plan(String yaml) throws Exception {
        return MaskPlan.build(catalog(), MaskingConfig.parse(new YAMLMapper().readTree(yaml), "masking"), () -> PRF);
    }

    private static MaskPlan.TablePlan table(MaskPlan p, String name) {
        return p.tables().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void bindsRulesFollowsForeignKeysAndPartitions() throws Exception {
        MaskPlan p = plan("""
                tables:
                  public.users: {email: email, name: name, ssn: hash}
                  public.events: {email: email}
                  public.orders: {total: {rule: sql, expr: "round(total, -1)"}}
                """);
        assertThat(p.tables()).extracting(MaskPlan.TablePlan::name)
                .containsExactly("public.orders", "public.users", "public.events_1", "public.log");   // largest first
        MaskPlan.TablePlan users = table(p, "public.users");
        assertThat(users.columns()).containsExactly("id", "email", "name", "ssn");   // generated column left out
        assertThat(users.copyOut()).isEqualTo("COPY \"public\".\"users\" (\"id\", \"email\", \"name\", \"ssn\") TO STDOUT");
        assertThat(users.copyIn()).endsWith("FROM STDIN WITH (FREEZE)");
        assertThat(users.transformers()).containsOnlyKeys(1, 2, 3);
        MaskPlan.TablePlan orders = table(p, "public.orders");
        assertThat(orders.copyOut()).isEqualTo("COPY (SELECT \"id\", \"user_email\", \"contact\", (round(total, -1))::numeric AS \"total\" "
                + "FROM ONLY \"public\".\"orders\") TO STDOUT");
        assertThat(orders.transformers()).containsOnlyKeys(1);       // user_email inherited the email rule
        assertThat(p.inherited()).containsEntry("public.orders.user_email", "public.users.email");
        assertThat(table(p, "public.events_1").transformers()).containsOnlyKeys(1);   // the parent's rule
        // the inherited rule gives the same output as the referenced column's
        String a = users.transformers().get(1).apply("x@y.org");
        assertThat(orders.transformers().get(1).apply("x@y.org")).isEqualTo(a);
        assertThat(p.unruled()).extracting(SourceColumn::qualified)
                .contains("public.orders.contact", "public.log.line").doesNotContain("public.orders.user_email", "public.users.email");
    }

    @Test
    void recomputeOnAGeneratedColumnIsWhatTheTargetDoesAnyway() throws Exception {
        MaskPlan p = plan("tables: {public.users: {email: email, email_domain: recompute}}");
        assertThat(table(p, "public.users").columns()).doesNotContain("email_domain");   // never copied
        assertThat(p.recompute()).isEmpty();                                              // the target computes it on insert
    }

    @Test
    void refusesRulesThatCannotWork() {
        assertThatThrownBy(() -> plan("tables: {public.users: {emial: email}}"))
                .hasMessageContaining("has no column 'emial' (did you mean email?)");
        assertThatThrownBy(() -> plan("tables: {public.users: {email: null}}")).hasMessageContaining("is NOT NULL");
        assertThatThrownBy(() -> plan("tables: {public.users: {ssn: partial}}")).hasMessageContaining("is unique, and rule partial");
        assertThatThrownBy(() -> plan("tables: {public.users: {email_domain: email}}")).hasMessageContaining("generated column");
        assertThatThrownBy(() -> plan("tables: {public.users: {email: email}, public.orders: {user_email: hash}}"))
                .hasMessageContaining("references public.users.email").hasMessageContaining("give both the same rule");
        assertThatThrownBy(() -> plan("tables: {public.users: truncate}"))
                .hasMessageContaining("is truncated, but public.orders references it");
        assertThatThrownBy(() -> plan("tables: {public.users: {name: {rule: sql}}}")).hasMessageContaining("needs 'expr:'");
        assertThatThrownBy(() -> plan("tables: {public.users: {name: {rule: sql, expr: \"'x') FROM users; SELECT (1\"}}}"))
                .hasMessageContaining("one SQL expression");
        assertThatThrownBy(() -> plan("tables: {public.users: {name: {rule: sql, expr: \"md5(name)) FROM users --\"}}}"))
                .hasMessageContaining("one SQL expression");
    }

    @Test
    void truncatedTablesAreNotCopiedAndNotGated() throws Exception {
        MaskPlan p = plan("tables: {public.log: truncate}");
        assertThat(table(p, "public.log").truncate()).isTrue();
        assertThat(p.unruled()).extracting(SourceColumn::table).doesNotContain("public.log");
    }
}
