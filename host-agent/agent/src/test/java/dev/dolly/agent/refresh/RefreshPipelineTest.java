package dev.dolly.agent.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.masking.MaskingConfig;
import dev.dolly.agent.process.LocalProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The refresh pipeline against real PostgreSQL servers started here: a source full of tricky
 * data and planted canaries, and build targets with the non-durable build-server settings.
 */
@Tag("integration")
class RefreshPipelineTest {

    static final String MASKING = """
            saltEnv: TEST_SALT
            tables:
              public.customers:
                email: email
                full_name: name
                phone: phone
                profile: {rule: json, paths: {"$.contact.email": email, "$.contact.phone": phone}}
                born: {rule: dateShift, days: 30}
                salary: {rule: noise, percent: 5}
                note: keep
                tags: keep
                photo: keep
                created_at: keep
              public.orders:
                shipping: address
              public.events:
                email: email
                payload: keep
              public.phone_book:
                phone: phone
              public.audit_log: truncate
            """;

    static PgServer source;
    static String sysid;

    @BeforeAll
    static void startSource() throws Exception {
        source = PgServer.start("src", false);
        // a collation other than the build server's default: the template database must get it too
        source.exec("postgres", "CREATE DATABASE shop TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'");
        String sql = new String(RefreshPipelineTest.class.getResourceAsStream("/refresh/tricky-source.sql").readAllBytes(),
                StandardCharsets.UTF_8);
        source.exec("shop", sql);
        sysid = source.systemIdentifier();
    }

    @AfterAll
    static void stopSource() {
        if (source != null) {
            source.close();
        }
    }

    static MaskingConfig masking(String yaml) throws IOException {
        return MaskingConfig.parse(new YAMLMapper().readTree(yaml), "templates.shop.masking");
    }

    static RefreshPipeline pipeline(String salt) {
        return new RefreshPipeline(new LocalProcessRunner(), Map.of("TEST_SALT", salt)::get);
    }

    static RefreshPipeline.Inputs inputs(String sysid, String maskingYaml, RefreshOptions opts) throws IOException {
        return new RefreshPipeline.Inputs("shop", source.source("shop", sysid), masking(maskingYaml), opts, 15);
    }

    static PgServer target() throws Exception {
        PgServer t = PgServer.start("target", true);
        t.exec("postgres", "CREATE DATABASE shop");
        return t;
    }

    static JobProgress progress() {
        return new JobProgress(Clock.systemUTC());
    }

    @Test
    void fullRefreshIsFaithfulMaskedAndDeterministic() throws Exception {
        try (PgServer t1 = target(); PgServer t2 = target()) {
            JobProgress p = progress();
            Map<String, Object> result = pipeline("salt-one").run(inputs(sysid, MASKING, RefreshOptions.defaults()), t1.target("shop"), p).asMap();
            // the test source runs without TLS (sslmode disable, said explicitly): the result warns about it
            assertThat((List<?>) result.get("warnings")).anySatisfy(w -> assertThat(w.toString()).contains("sslmode disable"));

            // ---- fidelity: every table, row and unmasked value (per-table checksums)
            Map<String, List<String>> masked = Map.of(
                    "public.customers", List.of("email", "full_name", "phone", "profile", "born", "salary", "email_domain"),
                    "public.orders", List.of("shipping", "customer_email"),
                    "public.events", List.of("email"),
                    "public.events_2022", List.of("email"),
                    "public.events_2023", List.of("email"),
                    "public.phone_book", List.of("phone"));
            for (String table : tables(source)) {
                if (table.equals("public.audit_log")) {
                    continue;
                }
                assertThat(checksum(t1, table, masked.getOrDefault(table, List.of())))
                        .as("checksum of %s", table)
                        .isEqualTo(checksum(source, table, masked.getOrDefault(table, List.of())));
            }
            assertThat(t1.queryOne("shop", "SELECT count(*) FROM audit_log")).isEqualTo("0");
            assertThat(tables(t1)).containsExactlyInAnyOrderElementsOf(tables(source));

            // ---- masking: no original value of a masked text column survives
            for (String[] col : new String[][] {{"customers", "email"}, {"customers", "full_name"}, {"customers", "phone"},
                    {"orders", "shipping"}, {"orders", "customer_email"}, {"events", "email"}, {"phone_book", "phone"},
                    {"customers", "profile->'contact'->>'email'"}, {"customers", "profile->'contact'->>'phone'"}}) {
                Set<String> before = column(source, col[0], col[1]);
                Set<String> after = column(t1, col[0], col[1]);
                before.remove("");
                assertThat(after).as("%s.%s", col[0], col[1]).doesNotContainAnyElementsOf(before);
            }
            // per row, dates and numbers moved (within bounds) and NULL stayed NULL
            assertThat(t1.queryOne("shop", "SELECT count(*) FROM customers WHERE born IS NULL")).isEqualTo("1");
            Map<String, String> bornBefore = byId(source, "customers", "born");
            Map<String, String> bornAfter = byId(t1, "customers", "born");
            int moved = 0;
            for (var e : bornBefore.entrySet()) {
                if (e.getValue() != null && !e.getValue().contains("infinity") && !e.getValue().equals(bornAfter.get(e.getKey()))) {
                    moved++;
                }
            }
            assertThat(moved).isEqualTo(2002);   // every finite birth date
            assertThat(t1.queryOne("shop", "SELECT born::text FROM customers WHERE born = '-infinity'")).isEqualTo("-infinity");
            assertThat(t1.queryOne("shop", "SELECT count(*) FROM customers c1 JOIN (SELECT 1) x ON true WHERE salary = 'NaN'")).isEqualTo("1");
            // the json path rule touched only its paths
            assertThat(t1.queryOne("shop", "SELECT profile->>'free' FROM customers WHERE profile ? 'free'")).isEqualTo("kept text");
            assertThat(t1.queryOne("shop", "SELECT count(*) FROM customers WHERE profile->'prefs'->>'lang' = 'de'")).isEqualTo("2000");

            // ---- generated columns are recomputed from the masked values
            assertThat(t1.queryOne("shop", "SELECT count(*) FROM customers WHERE email_domain <> split_part(email::text, '@', 2)"))
                    .isEqualTo("0");
            assertThat(t1.queryOne("shop", "SELECT count(DISTINCT email_domain) FROM customers WHERE email <> ''")).isEqualTo("1");

            // ---- uniqueness kept (the unique indexes were rebuilt in post-data) and joins still hold
            assertThat(t1.queryOne("shop", "SELECT count(*) - count(DISTINCT email) FROM customers")).isEqualTo("0");
            assertThat(t1.queryOne("shop", "SELECT count(*) - count(DISTINCT phone) FROM phone_book")).isEqualTo("0");
            assertThat(t1.queryOne("shop", "SELECT count(*) FROM pg_constraint WHERE conname IN ('customers_email_key', 'phone_book_phone_key', "
                    + "'orders_customer_email_fkey', 'cyc_a_b_fk', 'cyc_b_a_id_fkey', 'orders_amount_check')")).isEqualTo("6");
            String join = "SELECT count(*) FROM orders o JOIN customers c ON c.email = o.customer_email AND c.id = o.customer_id";
            assertThat(t1.queryOne("shop", join)).isEqualTo(source.queryOne("shop", join));
            // the same address in two tables gets the same fake (citext and text columns alike)
            String cross = "SELECT count(*) FROM events e JOIN customers c ON c.email::text = e.email";
            assertThat(t1.queryOne("shop", cross)).isEqualTo(source.queryOne("shop", cross)).isEqualTo("3000");

            // ---- the source database's locale, schema objects, sequences, roles without passwords
            assertThat(t1.queryOne("shop", "SELECT datcollate || '/' || datctype FROM pg_database WHERE datname = 'shop'"))
                    .isEqualTo("C/C.UTF-8");
            assertThat(t1.queryOne("shop", "SELECT last_value || '/' || is_called FROM invoice_seq")).isEqualTo("1042/true");
            assertThat(t1.queryOne("shop", "SELECT nextval('customers_id_seq')")).isEqualTo(source.queryOne("shop",
                    "SELECT last_value + 1 FROM customers_id_seq"));
            assertThat(t1.queryOne("shop", "SELECT count(*) FROM pg_trigger WHERE tgname = 'orders_touch'")).isEqualTo("1");
            assertThat(t1.queryOne("shop", "SELECT obj_description('customers'::regclass)")).isEqualTo("people; with a semicolon");
            assertThat(t1.queryOne("shop", "SELECT sum(n) FROM mood_counts")).isEqualTo("2004");
            assertThat(t1.queryOne("shop", "SELECT count(*) FROM pg_indexes WHERE indexname IN ('orders_lower_ship_idx', 'events_at_idx')")).isEqualTo("2");
            assertThat(t1.queryOne("shop", "SELECT rolcanlogin::text || ' ' || (rolpassword IS NULL)::text FROM pg_authid WHERE rolname = 'app_reader'"))
                    .isEqualTo("true true");
            assertThat(t1.queryOne("shop", "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'customers'")).isEqualTo("app_owner");
            assertThat(t1.queryOne("shop", "SELECT has_table_privilege('app_reader', 'customers', 'SELECT')::text")).isEqualTo("true");
            assertThat(t1.queryOne("shop", "SELECT count(*) FROM pg_stats WHERE tablename = 'customers'")).isNotEqualTo("0");

            // ---- canaries: nowhere in the target's data, and nowhere in its files
            assertThat(canaryRows(t1)).isZero();
            t1.exec("shop", "CHECKPOINT");
            assertThat(grep(t1.data, "CANARY")).isEmpty();

            // ---- progress and result
            assertThat(p.tablesDone()).isEqualTo(p.tablesTotal()).isEqualTo(9);
            assertThat(p.rows()).isGreaterThan(10_000);
            assertThat(result).containsKeys("durationSeconds", "rowCounts", "rules", "sourceBytes", "targetBytes", "phaseSeconds");
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> rules = (Map<String, Map<String, Object>>) result.get("rules");
            assertThat(rules.get("public.customers.email")).containsEntry("rule", "email").containsEntry("values", 2004L);
            assertThat(rules.get("public.orders.customer_email")).containsEntry("inheritedFrom", "public.customers.email");
            assertThat(rules.get("public.events_2022.email")).containsEntry("rule", "email");
            assertThat(result.get("truncated")).isEqualTo(List.of("public.audit_log"));
            @SuppressWarnings("unchecked")
            Map<String, Object> counts = (Map<String, Object>) result.get("rowCounts");
            assertThat(counts.get("public.orders")).isEqualTo(6012L);

            // ---- determinism: a second refresh with the same salt gives the same masked values
            pipeline("salt-one").run(inputs(sysid, MASKING, RefreshOptions.defaults().withWorkers(3)), t2.target("shop"), progress());
            for (String[] col : new String[][] {{"customers", "email"}, {"customers", "full_name"}, {"customers", "phone"},
                    {"customers", "born"}, {"customers", "salary"}, {"customers", "profile"}, {"orders", "shipping"}}) {
                assertThat(byId(t2, col[0], col[1])).as("%s.%s", col[0], col[1]).isEqualTo(byId(t1, col[0], col[1]));
            }
        }
    }

    @Test
    void anotherSaltGivesOtherValues() throws Exception {
        try (PgServer t = target(); PgServer u = target()) {
            pipeline("salt-one").run(inputs(sysid, MASKING, RefreshOptions.defaults()), t.target("shop"), progress());
            pipeline("salt-two").run(inputs(sysid, MASKING, RefreshOptions.defaults()), u.target("shop"), progress());
            Map<String, String> a = byId(t, "customers", "email");
            Map<String, String> b = byId(u, "customers", "email");
            long same = a.keySet().stream().filter(k -> a.get(k).equals(b.get(k))).count();
            assertThat(same).isLessThanOrEqualTo(1);   // only the empty string, perhaps
        }
    }

    @Test
    void wrongSystemIdentifierIsRefusedBeforeAnythingIsCopied() throws Exception {
        try (PgServer t = target()) {
            RefreshPipeline.Inputs in = inputs("1234567890", MASKING, RefreshOptions.defaults());
            assertThatThrownBy(() -> pipeline("s").guard(in))
                    .isInstanceOf(RefreshException.class)
                    .hasMessageContaining("system_identifier " + sysid)
                    .hasMessageContaining("pins 1234567890")
                    .satisfies(e -> assertThat(((RefreshException) e).code()).isEqualTo(ErrorCode.SOURCE_REFUSED));
            assertThatThrownBy(() -> pipeline("s").run(in, t.target("shop"), progress()))
                    .isInstanceOf(RefreshException.class).hasMessageContaining("refusing to copy");
            assertThat(tables(t)).isEmpty();
            assertThat(t.queryOne("shop", "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'app_%'")).isEqualTo("0");
            RefreshPipeline.Inputs unpinned = inputs(null, MASKING, RefreshOptions.defaults());
            assertThatThrownBy(() -> pipeline("s").guard(unpinned)).hasMessageContaining("systemIdentifier: \"" + sysid + "\"");
        }
    }

    @Test
    void personalColumnsWithoutRulesFailTheGateWithTheRulesToAdd() throws Exception {
        String partial = """
                saltEnv: TEST_SALT
                tables:
                  public.customers: {email: email, profile: keep, note: keep, tags: keep, photo: keep, created_at: keep, born: keep, salary: keep}
                  public.audit_log: truncate
                """;
        assertThatThrownBy(() -> pipeline("s").guard(inputs(sysid, partial, RefreshOptions.defaults())))
                .isInstanceOf(RefreshException.class)
                .hasMessageContaining("PII coverage gate")
                .hasMessageContaining("      full_name: name")
                .hasMessageContaining("      phone: phone")
                .hasMessageContaining("    public.orders:\n      shipping: address")
                .hasMessageContaining("    public.phone_book:\n      phone: hash")
                .hasMessageContaining("events:\n      email: email")
                .hasMessageNotContaining("title");
        // a typo in a rule names the YAML path before any copying
        assertThatThrownBy(() -> pipeline("s").guard(inputs(sysid, "tables: {public.customerz: {email: email}}", RefreshOptions.defaults())))
                .hasMessageContaining("masking.tables.public.customerz: no such table in the source (did you mean public.customers?)");
        assertThatThrownBy(() -> pipeline("s").guard(inputs(sysid, "tables: {public.phone_book: {phone: partial}}", RefreshOptions.defaults())))
                .hasMessageContaining("is unique, and rule partial would create duplicates");
    }

    @Test
    void largeObjectsAreRefusedUnlessTheTemplateSaysCopy() throws Exception {
        source.exec("shop", "CREATE TABLE docs (id int PRIMARY KEY, body oid); "
                + "INSERT INTO docs SELECT 1, lo_from_bytea(0, convert_to('large object body', 'UTF8'))");
        try (PgServer t = target()) {
            assertThatThrownBy(() -> pipeline("s").guard(inputs(sysid, MASKING, RefreshOptions.defaults())))
                    .hasMessageContaining("holds 1 large object").hasMessageContaining("largeObjects");
            Map<String, Object> r = pipeline("s").run(inputs(sysid, MASKING,
                    RefreshOptions.defaults().withLargeObjects(RefreshOptions.LargeObjects.COPY)), t.target("shop"), progress()).asMap();
            assertThat(r.get("largeObjects")).isEqualTo(1L);
            assertThat(t.queryOne("shop", "SELECT convert_from(lo_get(body), 'UTF8') FROM docs")).isEqualTo("large object body");
        } finally {
            source.exec("shop", "SELECT lo_unlink(body) FROM docs; DROP TABLE docs");
        }
    }

    // ------------------------------------------------------------------ helpers

    static List<String> tables(PgServer s) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = s.connect("shop"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Row count and an md5 over every row's text form, leaving out the masked columns. */
    static String checksum(PgServer s, String table, List<String> exclude) throws SQLException {
        int dot = table.indexOf('.');
        String q = SqlScript.qualified(table.substring(0, dot), table.substring(dot + 1));
        List<String> cols = new ArrayList<>();
        try (Connection c = s.connect("shop"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT attname FROM pg_attribute WHERE attrelid = " + SqlScript.literal(q) + "::regclass AND attnum > 0 "
                        + "AND NOT attisdropped ORDER BY attnum")) {
            while (rs.next()) {
                if (!exclude.contains(rs.getString(1))) {
                    cols.add(SqlScript.ident(rs.getString(1)));
                }
            }
        }
        String list = cols.isEmpty() ? "1" : String.join(", ", cols);
        return s.queryOne("shop", "SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, E'\\n' ORDER BY r::text)), '') "
                + "FROM (SELECT " + list + " FROM ONLY " + q + ") r");
    }

    static Set<String> column(PgServer s, String table, String expr) throws SQLException {
        Set<String> out = new HashSet<>();
        try (Connection c = s.connect("shop"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT (" + expr + ")::text FROM " + table + " WHERE (" + expr + ") IS NOT NULL")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static Map<String, String> byId(PgServer s, String table, String col) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Connection c = s.connect("shop"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT id::text, " + col + "::text FROM " + table)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /** Rows anywhere in the target whose text form contains CANARY. */
    static long canaryRows(PgServer s) throws SQLException {
        long n = 0;
        for (String t : tables(s)) {
            int dot = t.indexOf('.');
            String q = SqlScript.qualified(t.substring(0, dot), t.substring(dot + 1));
            n += Long.parseLong(s.queryOne("shop", "SELECT count(*) FROM ONLY " + q + " r WHERE r::text LIKE '%CANARY%'"));
        }
        return n;
    }

    /** Files under {@code dir} whose bytes contain {@code needle}. */
    static List<Path> grep(Path dir, String needle) throws IOException {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                byte[] b = Files.readAllBytes(p);
                outer:
                for (int i = 0; i + n.length <= b.length; i++) {
                    for (int j = 0; j < n.length; j++) {
                        if (b[i + j] != n[j]) {
                            continue outer;
                        }
                    }
                    hits.add(p);
                    break;
                }
            }
        }
        return hits;
    }
}
