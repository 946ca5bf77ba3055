package dev.dolly.agent.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.dolly.agent.masking.MaskingConfig;
import dev.dolly.agent.process.LocalProcessRunner;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** Issue 13 against real PostgreSQL: no row content in refresh errors, unique fakes on short columns, the gate on every type. */
@Tag("integration")
class RefreshMaskingSafetyTest {

    private static RefreshPipeline.Inputs inputs(PgServer src, String masking) throws Exception {
        return new RefreshPipeline.Inputs("shop", src.source("shop", src.systemIdentifier()),
                MaskingConfig.parse(new YAMLMapper().readTree(masking), "templates.shop.masking"),
                RefreshOptions.defaults().withWorkers(2), 15);
    }

    private static RefreshPipeline pipeline() {
        return new RefreshPipeline(new LocalProcessRunner(), k -> null);
    }

    private static PgServer source(String sql) throws Exception {
        PgServer s = PgServer.start("src", false);
        s.exec("postgres", "CREATE DATABASE shop");
        s.exec("shop", sql);
        return s;
    }

    private static PgServer target() throws Exception {
        PgServer t = PgServer.start("dst", true);
        t.exec("postgres", "CREATE DATABASE shop");
        return t;
    }

    @Test
    void aCheckConstraintTheFakeViolatesFailsNamingTableColumnRuleAndConstraintButNoValue() throws Exception {
        try (PgServer src = source("CREATE TABLE people (id int PRIMARY KEY, name text CONSTRAINT people_name_upper CHECK (name = upper(name)));"
                + "INSERT INTO people VALUES (1, 'ZELDA QUIXOTE'), (2, 'YVES XAVIER')");
             PgServer dst = target()) {
            String masking = "salt: s\ngate: {enabled: false}\ntables:\n  public.people: {name: name}\n";
            assertThatThrownBy(() -> pipeline().run(inputs(src, masking), dst.target("shop"), new JobProgress(Clock.systemUTC())))
                    .isInstanceOf(RefreshException.class)
                    .satisfies(e -> {
                        String m = e.getMessage();
                        assertThat(m).contains("public.people").contains("people_name_upper").contains("column name")
                                .contains("rule name");
                        assertThat(m).doesNotContain("Failing row").doesNotContain("ZELDA").doesNotContain("YVES");
                        // no fake value either: the fake names are capitalised words followed by nothing but the table's ids
                        assertThat(m).doesNotContainPattern("\\(1, ").doesNotContain("line 1:");
                    });
        }
    }

    @Test
    void uniqueVarchar16NameOver100kRowsRefreshesWithoutCollision() throws Exception {
        try (PgServer src = source("CREATE TABLE users (id int PRIMARY KEY, username varchar(16) UNIQUE NOT NULL);"
                + "INSERT INTO users SELECT g, 'user' || g FROM generate_series(1, 100000) g");
             PgServer dst = target()) {
            String masking = "salt: s\ntables:\n  public.users: {username: name}\n";
            pipeline().run(inputs(src, masking), dst.target("shop"), new JobProgress(Clock.systemUTC()));
            assertThat(dst.queryOne("shop", "SELECT count(DISTINCT username) FROM users")).isEqualTo("100000");
            assertThat(dst.queryOne("shop", "SELECT count(*) FROM users WHERE username LIKE 'user%'")).isEqualTo("0");
        }
    }

    @Test
    void theGateJudgesEveryTypeItCanRenderAndRefusesTsvector() throws Exception {
        try (PgServer src = source("""
                CREATE EXTENSION hstore;
                CREATE TYPE who AS ENUM ('Maria Garcia', 'John Miller', 'Wei Chen', 'Anna Kowalski');
                CREATE TYPE contact AS (label text, mail text);
                CREATE TABLE t (id int PRIMARY KEY, a date, b bytea, c who, d text[], e contact, f hstore, g xml,
                                h tsvector, j jsonb, k text);
                INSERT INTO t SELECT i,
                  date '1950-01-01' + (i * 3331 % 18000),
                  convert_to('mail me: p' || i || '@corp.example.com', 'UTF8'),
                  (enum_range(NULL::who))[1 + i % 4],
                  ARRAY['+1 415 555 ' || (2000 + i)],
                  ROW('home', 'q' || i || '@corp.example.com')::contact,
                  hstore('mail', 'r' || i || '@corp.example.com'),
                  xmlparse(content '<tel>+1 415 555 ' || (3000 + i) || '</tel>'),
                  to_tsvector('simple', 'secret words ' || i),
                  jsonb_build_object('email', 's' || i || '@corp.example.com', 'phone', '+1 415 555 ' || (4000 + i)),
                  (ARRAY['SIOBHAN OSULLIVAN', 'priya raghunathan', 'Dmitri Volkov', 'Kowalski, Anna'])[1 + i % 4]
                FROM generate_series(1, 40) i;
                """)) {
            String masking = "salt: s\ntables:\n  public.t: {j: {rule: json, paths: {\"$.email\": email}}}\n";
            assertThatThrownBy(() -> pipeline().guard(inputs(src, masking)))
                    .isInstanceOf(RefreshException.class)
                    .hasMessageContaining("PII coverage gate")
                    .hasMessageContaining("      a: ")
                    .hasMessageContaining("      b: ")
                    .hasMessageContaining("      c: ")
                    .hasMessageContaining("      d: ")
                    .hasMessageContaining("      e: ")
                    .hasMessageContaining("      f: ")
                    .hasMessageContaining("      g: ")
                    .hasMessageContaining("      h: recompute")
                    .hasMessageContaining("$.phone")
                    .hasMessageContaining("      k: name")
                    .hasMessageNotContaining("id: ");
        }
    }

    /**
     * The builtin {@code tsvector_update_trigger} skips an UPDATE that leaves the columns it reads unchanged (as an
     * {@code UPDATE … SET search = DEFAULT} does), so recompute re-inserts the rows through the BEFORE ROW INSERT
     * triggers; no other trigger fires (the audit table keeps the source's rows only).
     */
    @Test
    void recomputeLeavesATriggerMaintainedTsvectorToTheTarget() throws Exception {
        try (PgServer src = source("""
                CREATE TABLE audit (id serial PRIMARY KEY, what text);
                CREATE FUNCTION audit_docs() RETURNS trigger LANGUAGE plpgsql AS $$
                  BEGIN INSERT INTO audit (what) VALUES (TG_OP || ' ' || NEW.id); RETURN NEW; END $$;
                CREATE TABLE docs (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text, search tsvector);
                CREATE TABLE refs (id int PRIMARY KEY, doc int REFERENCES docs ON DELETE CASCADE);
                CREATE TRIGGER docs_search BEFORE INSERT OR UPDATE ON docs
                  FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(search, 'pg_catalog.simple', body);
                CREATE TRIGGER docs_audit AFTER INSERT OR UPDATE OR DELETE ON docs FOR EACH ROW EXECUTE FUNCTION audit_docs();
                INSERT INTO docs (body) VALUES ('Jane Doe wrote this'), ('Bob Ray wrote that');
                INSERT INTO refs VALUES (1, 1), (2, 2);
                """);
             PgServer dst = target()) {
            String masking = "salt: s\ntables:\n  public.docs: {body: {rule: regex, pattern: '[A-Z][a-z]+ [A-Z][a-z]+', replace: 'someone'}, search: recompute}\n"
                    + "  public.audit: {what: keep}\n";
            RefreshResult r = pipeline().run(inputs(src, masking), dst.target("shop"), new JobProgress(Clock.systemUTC()));
            assertThat(dst.queryOne("shop", "SELECT string_agg(id || '=' || search::text, '|' ORDER BY id) FROM docs"))
                    .isEqualTo("1='someone':1 'this':3 'wrote':2|2='someone':1 'that':3 'wrote':2");
            assertThat(dst.queryOne("shop", "SELECT string_agg(what, ',' ORDER BY id) FROM audit")).isEqualTo("INSERT 1,INSERT 2");
            assertThat(dst.queryOne("shop", "SELECT count(*) FROM refs")).isEqualTo("2");            // no cascade
            assertThat(dst.queryOne("shop", "SELECT string_agg(tgname || tgenabled::text, ',' ORDER BY tgname) FROM pg_trigger "
                    + "WHERE NOT tgisinternal")).isEqualTo("docs_auditO,docs_searchO");                 // as the source has them
            assertThat(r.toString()).doesNotContain("Jane").doesNotContain("jane");
        }
    }

    /**
     * Triggers that compute only for the columns they name ({@code UPDATE OF body}) or only when those changed, an
     * UPDATE-only trigger, a generated column with rule recompute, and a recompute column nothing computes: none
     * receives a source value.
     */
    @Test
    void recomputeFiresColumnSpecificAndUpdateOnlyTriggersAndLetsGeneratedColumnsBe() throws Exception {
        try (PgServer src = source("""
                CREATE FUNCTION docs_tsv() RETURNS trigger LANGUAGE plpgsql AS $$
                  BEGIN
                    IF TG_OP = 'UPDATE' AND NEW.body IS NOT DISTINCT FROM OLD.body THEN RETURN NEW; END IF;
                    NEW.search := to_tsvector('simple', coalesce(NEW.body, ''));
                    RETURN NEW;
                  END $$;
                CREATE TABLE docs (id int PRIMARY KEY, body text, search tsvector, other tsvector,
                                   gen tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(body, ''))) STORED);
                CREATE TRIGGER docs_tsv BEFORE INSERT OR UPDATE OF body ON docs FOR EACH ROW EXECUTE FUNCTION docs_tsv();
                CREATE TABLE notes (id int PRIMARY KEY, body text, search tsvector);
                CREATE FUNCTION notes_tsv() RETURNS trigger LANGUAGE plpgsql AS $$
                  BEGIN NEW.search := to_tsvector('simple', coalesce(NEW.body, '')); RETURN NEW; END $$;
                CREATE TRIGGER notes_tsv BEFORE UPDATE OF body ON notes FOR EACH ROW EXECUTE FUNCTION notes_tsv();
                INSERT INTO docs (id, body, other) VALUES (1, 'Jane Doe wrote this', to_tsvector('simple', 'Jane Doe'));
                INSERT INTO notes VALUES (1, 'Bob Ray noted', to_tsvector('simple', 'Bob Ray noted'));
                """);
             PgServer dst = target()) {
            String masking = "salt: s\ntables:\n"
                    + "  public.docs: {body: {rule: regex, pattern: '[A-Z][a-z]+ [A-Z][a-z]+', replace: 'someone'}, search: recompute,"
                    + " other: recompute, gen: recompute}\n"
                    + "  public.notes: {body: {rule: regex, pattern: '[A-Z][a-z]+ [A-Z][a-z]+', replace: 'someone'}, search: recompute}\n";
            pipeline().run(inputs(src, masking), dst.target("shop"), new JobProgress(Clock.systemUTC()));
            assertThat(dst.queryOne("shop", "SELECT search::text || '|' || gen::text || '|' || coalesce(other::text, 'null') FROM docs"))
                    .isEqualTo("'someone':1 'this':3 'wrote':2|'someone':1 'this':3 'wrote':2|null");
            assertThat(dst.queryOne("shop", "SELECT search::text FROM notes")).isEqualTo("'noted':2 'someone':1");
        }
    }
}
