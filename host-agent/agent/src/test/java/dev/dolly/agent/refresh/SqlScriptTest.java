package dev.dolly.agent.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void splitsStatementsRespectingQuotesDollarQuotesAndComments() {
        String sql = """
                \\restrict abc
                SET client_encoding = 'UTF8';
                -- a comment; with a semicolon
                CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$
                BEGIN
                  -- inner; comment
                  RETURN 1; END $body$;
                COMMENT ON TABLE t IS 'it''s; here';
                SELECT E'a\\';b', "we;ird" FROM x /* block; /* nested; */ */;
                SELECT $$;$$
                \\unrestrict abc
                """;
        List<String> s = SqlScript.statements(sql);
        assertThat(s).hasSize(5);
        assertThat(s.get(0)).isEqualTo("SET client_encoding = 'UTF8'");
        assertThat(s.get(1)).startsWith("CREATE FUNCTION f()").contains("-- inner; comment").endsWith("END $body$");
        assertThat(s.get(2)).isEqualTo("COMMENT ON TABLE t IS 'it''s; here'");
        assertThat(s.get(3)).startsWith("SELECT E'a\\';b', \"we;ird\" FROM x");
        assertThat(s.get(4)).isEqualTo("SELECT $$;$$");
    }

    @Test
    void splitsADumpIntoTocEntries() {
        String dump = """
                --
                -- PostgreSQL database dump
                --

                \\restrict xyz

                SET statement_timeout = 0;
                SELECT pg_catalog.set_config('search_path', '', false);

                --
                -- Name: a a_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
                --

                ALTER TABLE ONLY public.a
                    ADD CONSTRAINT a_pkey PRIMARY KEY (id);


                --
                -- Name: a a_b_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
                --

                ALTER TABLE ONLY public.a
                    ADD CONSTRAINT a_b_fkey FOREIGN KEY (b) REFERENCES public.b(id);


                --
                -- PostgreSQL database dump complete
                --

                \\unrestrict xyz
                """;
        List<SqlScript.Entry> e = SqlScript.entries(dump);
        assertThat(e).extracting(SqlScript.Entry::type).containsExactly("PREAMBLE", "CONSTRAINT", "FK CONSTRAINT");
        assertThat(e.get(0).sql()).contains("SET statement_timeout = 0").doesNotContain("restrict");
        assertThat(e.get(1).name()).isEqualTo("a a_pkey");
        assertThat(e.get(1).schema()).isEqualTo("public");
        assertThat(e.get(2).sql()).contains("FOREIGN KEY").doesNotContain("unrestrict");
        assertThat(e.get(2).label()).isEqualTo("FK CONSTRAINT public.a a_b_fkey");
    }

    @Test
    void postDataSchedulerKeepsConcurrentBuildsOnDifferentTables() {
        SqlScript.Entry c1 = new SqlScript.Entry("CONSTRAINT", "c c_pkey", "public", "ALTER TABLE ONLY public.c\n    ADD CONSTRAINT c_pkey PRIMARY KEY (id);");
        SqlScript.Entry c2 = new SqlScript.Entry("CONSTRAINT", "c c_email_key", "public", "ALTER TABLE ONLY public.c\n    ADD CONSTRAINT c_email_key UNIQUE (email);");
        SqlScript.Entry o1 = new SqlScript.Entry("INDEX", "o_idx", "public", "CREATE INDEX o_idx ON public.o USING btree (c_id);");
        SqlScript.Entry o2 = new SqlScript.Entry("INDEX", "o_at_idx", "public", "CREATE INDEX o_at_idx ON ONLY public.o USING btree (at);");
        assertThat(SchemaSteps.tableOf(c1)).isEqualTo("public.c");
        assertThat(SchemaSteps.tableOf(o2)).isEqualTo("public.o");
        SchemaSteps.Scheduler s = new SchemaSteps.Scheduler(List.of(c1, c2, o1, o2));
        SqlScript.Entry a = s.next(null);
        SqlScript.Entry b = s.next(null);
        assertThat(List.of(a, b)).containsExactly(c1, o1);      // not c1 and c2 side by side
        assertThat(s.next(b)).isEqualTo(o2);                      // b (public.o) done; public.c is still busy
        assertThat(s.next(a)).isEqualTo(c2);
        assertThat(s.next(null)).isNull();
    }

    @Test
    void quoting() {
        assertThat(SqlScript.qualified("s", "We\"ird")).isEqualTo("\"s\".\"We\"\"ird\"");
        assertThat(SqlScript.literal("it's")).isEqualTo("'it''s'");
    }
}
