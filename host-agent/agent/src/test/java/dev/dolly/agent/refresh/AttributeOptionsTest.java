package dev.dolly.agent.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AttributeOptionsTest {

    /** As PostgreSQL 18's pg_dump writes a table of Debian's PostgreSQL 17 (which sets pg_attver on every column). */
    private static final String TABLE = """
            CREATE TABLE public.a (
                id integer NOT NULL,
                "b;id" integer
            );
            ALTER TABLE ONLY public.a ALTER COLUMN id SET (pg_attver=27444496);
            ALTER TABLE ONLY public.a ALTER COLUMN "b;id" SET (n_distinct=-1, pg_attver=27444496);
            ALTER TABLE public.a OWNER TO postgres;
            """;

    @Test
    void optionsPostgresDoesNotDefineAreLeftOutAndNamed() {
        AttributeOptions.Filtered f = AttributeOptions.filter(TABLE);
        assertThat(f.left()).containsExactly("pg_attver");
        assertThat(f.statements()).isEqualTo(2);
        assertThat(f.sql()).doesNotContain("pg_attver")
                .contains("CREATE TABLE public.a (")
                .contains("ALTER TABLE ONLY public.a ALTER COLUMN \"b;id\" SET (n_distinct=-1);")
                .contains("ALTER TABLE public.a OWNER TO postgres;")
                .doesNotContain("ALTER COLUMN id SET");
    }

    @Test
    void postgresOwnOptionsAndOtherStatementsAreUntouched() {
        String sql = "CREATE TABLE t (x int);\nALTER TABLE ONLY t ALTER COLUMN x SET (n_distinct_inherited=5);\n"
                + "ALTER TABLE ONLY t ALTER COLUMN x SET STATISTICS 500;\n";
        AttributeOptions.Filtered f = AttributeOptions.filter(sql);
        assertThat(f.sql()).isSameAs(sql);
        assertThat(f.left()).isEmpty();
        assertThat(f.statements()).isZero();
    }
}
