package dev.dolly.agent.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.agent.api.CheckReport.Finding;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class LinterTest {
    private static final String T = "SET lock_timeout = '2s';\n"; // keeps require-lock-timeout out of the other rules' cases

    /** Each rule: files (separated by "\n---\n") where it fires, and files where it does not. */
    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of("require-concurrent-index-creation", T + "CREATE INDEX i ON orders (created_at);",
                        T + "CREATE INDEX CONCURRENTLY i ON orders (created_at);"),
                Arguments.of("require-concurrent-index-creation", T + "CREATE UNIQUE INDEX IF NOT EXISTS i ON public.orders USING btree (id);",
                        T + "CREATE TABLE n (x int); CREATE INDEX i ON n (x);"),
                Arguments.of("require-concurrent-index-deletion", T + "DROP INDEX i;", T + "DROP INDEX CONCURRENTLY IF EXISTS i;"),
                Arguments.of("ban-concurrent-index-creation-in-transaction", "BEGIN; CREATE INDEX CONCURRENTLY i ON orders (x); COMMIT;",
                        "CREATE INDEX CONCURRENTLY i ON orders (x);"),
                Arguments.of("constraint-missing-not-valid", T + "ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0);",
                        T + "ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0) NOT VALID;\n---\nALTER TABLE orders VALIDATE CONSTRAINT c;"),
                Arguments.of("constraint-missing-not-valid", T + "ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0) NOT VALID; "
                        + "ALTER TABLE orders VALIDATE CONSTRAINT c;", T + "ALTER TABLE orders VALIDATE CONSTRAINT c;"),
                Arguments.of("adding-foreign-key-constraint", T + "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES customers (id);",
                        T + "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;"),
                Arguments.of("adding-field-with-default", T + "ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();",
                        T + "ALTER TABLE orders ADD COLUMN flag boolean NOT NULL DEFAULT false, ADD COLUMN at timestamptz DEFAULT now();"),
                Arguments.of("adding-field-with-default", T + "ALTER TABLE orders ADD COLUMN g numeric GENERATED ALWAYS AS (total * 2) STORED;",
                        T + "ALTER TABLE orders ADD COLUMN note text DEFAULT 'a (b)';"),
                Arguments.of("adding-not-nullable-field", T + "ALTER TABLE orders ALTER COLUMN shipping_address SET NOT NULL;",
                        T + "ALTER TABLE orders ALTER COLUMN shipping_address DROP NOT NULL;"),
                Arguments.of("adding-required-field", T + "ALTER TABLE orders ADD COLUMN region text NOT NULL;",
                        T + "ALTER TABLE orders ADD COLUMN region text NOT NULL DEFAULT 'eu';"),
                Arguments.of("changing-column-type", T + "ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);",
                        T + "ALTER TABLE orders ALTER COLUMN total SET DEFAULT 0;"),
                Arguments.of("disallowed-unique-constraint", T + "ALTER TABLE customers ADD CONSTRAINT u UNIQUE (phone);",
                        T + "ALTER TABLE customers ADD CONSTRAINT u UNIQUE USING INDEX customers_phone_idx;"),
                Arguments.of("adding-serial-primary-key-field", T + "ALTER TABLE audit ADD COLUMN id bigserial PRIMARY KEY;",
                        T + "ALTER TABLE audit ADD CONSTRAINT audit_pkey PRIMARY KEY USING INDEX audit_id_idx;"),
                Arguments.of("ban-drop-column", T + "ALTER TABLE orders DROP COLUMN shipping_address;",
                        T + "ALTER TABLE orders DROP CONSTRAINT orders_total_check;"),
                Arguments.of("ban-drop-table", T + "DROP TABLE legacy;", T + "CREATE TABLE tmp (x int); DROP TABLE tmp;"),
                Arguments.of("renaming-column", T + "ALTER TABLE orders RENAME COLUMN total TO amount;",
                        T + "ALTER TABLE orders RENAME CONSTRAINT a TO b;"),
                Arguments.of("renaming-table", T + "ALTER TABLE orders RENAME TO purchases;", T + "ALTER TABLE orders RENAME total TO amount;"),
                Arguments.of("require-lock-timeout", "ALTER TABLE orders ADD COLUMN note text;",
                        "SET lock_timeout TO '1s'; ALTER TABLE orders ADD COLUMN note text;"),
                Arguments.of("require-lock-timeout", "BEGIN; SET LOCAL lock_timeout = 0; ALTER TABLE orders ADD COLUMN note text; COMMIT;\n---\n"
                        + "ALTER TABLE orders ADD COLUMN n2 text;", "BEGIN; SET LOCAL lock_timeout = '1s'; ALTER TABLE orders ADD COLUMN note text; COMMIT;"),
                Arguments.of("statements-after-access-exclusive", T + "ALTER TABLE orders ADD COLUMN note text; UPDATE products SET name = name WHERE false;",
                        T + "UPDATE products SET name = name WHERE false; ALTER TABLE orders ADD COLUMN note text;"),
                Arguments.of("prefer-robust-stmts", "CREATE INDEX CONCURRENTLY i ON orders (x);",
                        "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON orders (x);"),
                Arguments.of("non-concurrent-refresh-materialized-view", T + "REFRESH MATERIALIZED VIEW sales;",
                        T + "REFRESH MATERIALIZED VIEW CONCURRENTLY sales;"),
                Arguments.of("vacuum-full-or-cluster", "VACUUM FULL orders;", "VACUUM (ANALYZE) orders;"),
                Arguments.of("vacuum-full-or-cluster", T + "CLUSTER orders USING orders_pkey;", T + "ANALYZE orders;"));
    }

    static Set<String> ruleIds(String files) {
        List<TxPlan> plans = Arrays.stream(files.split("\n---\n"))
                .map(f -> TxPlan.of("f.sql", StatementSplitter.split("f.sql", f))).toList();
        return Linter.lint(plans).stream().map(Finding::rule).collect(Collectors.toSet());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("rules")
    void firesOnTheUnsafeFormAndNotOnTheSafeOne(String rule, String unsafe, String safe) {
        assertThat(ruleIds(unsafe)).contains(rule);
        assertThat(ruleIds(safe)).doesNotContain(rule);
    }

    @Test
    void allTwentyRulesAreCovered() {
        Set<String> covered = rules().map(a -> (String) a.get()[0]).collect(Collectors.toSet());
        assertThat(covered).containsExactlyInAnyOrderElementsOf(Arrays.stream(Rule.values()).map(Rule::id).toList());
        assertThat(Rule.values()).hasSize(20);
    }

    @Test
    void aDollyIgnoreCommentSuppressesOnlyTheRulesItNames() {
        String sql = "-- dolly:ignore require-concurrent-index-creation\nCREATE INDEX i ON orders (x);";
        Set<String> ids = ruleIds(sql);
        assertThat(ids).doesNotContain("require-concurrent-index-creation").contains("require-lock-timeout");
        assertThat(ruleIds("-- dolly:ignore require-concurrent-index-creation,require-lock-timeout\nCREATE INDEX i ON orders (x);")).isEmpty();
    }

    @Test
    void findingsNameTheLineTheTableTheLockAndTheFix() {
        List<Finding> f = Linter.lint(List.of(TxPlan.of("V7__idx.sql", StatementSplitter.split("V7__idx.sql",
                "SET lock_timeout = '2s';\n\nCREATE INDEX orders_created_idx ON \"public\".Orders (created_at);"))));
        assertThat(f).hasSize(1);
        Finding x = f.get(0);
        assertThat(x.rule()).isEqualTo("require-concurrent-index-creation");
        assertThat(x.severity()).isEqualTo("error");
        assertThat(x.file()).isEqualTo("V7__idx.sql");
        assertThat(x.line()).isEqualTo(3);
        assertThat(x.table()).isEqualTo("orders");
        assertThat(x.lock()).isEqualTo("ShareLock");
        assertThat(x.fix()).contains("CONCURRENTLY");
        assertThat(x.statement()).startsWith("CREATE INDEX orders_created_idx");
    }

    @Test
    void wideningToVarcharIsOnlyAWarning() {
        List<Finding> f = Linter.lint(List.of(TxPlan.of("f", StatementSplitter.split("f",
                T + "ALTER TABLE customers ALTER COLUMN city TYPE varchar(200);"))));
        assertThat(f).singleElement().satisfies(x -> assertThat(x.severity()).isEqualTo("warning"));
    }

    @Test
    void volatileDefaults() {
        assertThat(Linter.volatileExpr("random()")).isTrue();
        assertThat(Linter.volatileExpr("nextval('s')")).isTrue();
        assertThat(Linter.volatileExpr("now()")).isFalse();
        assertThat(Linter.volatileExpr("'f(x)'")).isFalse();
        assertThat(Linter.volatileExpr("0")).isFalse();
    }
}
