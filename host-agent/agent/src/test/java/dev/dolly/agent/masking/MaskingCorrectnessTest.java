package dev.dolly.agent.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.agent.masking.ColumnType.Family;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 13, "Masking correctness": uniqueness tokens, short hashes, and what the coverage gate judges. */
class MaskingCorrectnessTest {

    private static final Prf PRF = new Prf("correctness-salt");

    private static ColumnType varchar(int n) {
        return new ColumnType("character varying(" + n + ")", Family.TEXT, false, n);
    }

    private static ColumnType other(String sqlType) {
        return new ColumnType(sqlType, Family.OTHER, false, -1);
    }

    private static Optional<CoverageGate.Finding> gate(SourceColumn c, List<String> values) {
        List<CoverageGate.Finding> f = CoverageGate.evaluate(List.of(c), Map.of(c, values), 0.3, Set.of());
        return f.stream().findFirst();
    }

    @Test
    void uniqueNameOnShortVarcharKeepsTheWholeTokenAndStaysUnique() {
        Transformer t = Transformers.create(TransformersTest.rule("name"), varchar(16), true, PRF);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String v = t.apply("user" + i);
            assertThat(v.length()).isLessThanOrEqualTo(16);
            assertThat(v).matches(".* [a-z2-9]{13}");
            seen.add(v);
        }
        assertThat(seen).hasSize(100_000);
        Transformer a = Transformers.create(TransformersTest.rule("address"), varchar(24), true, PRF);
        assertThat(a.apply("1 Main Street")).hasSizeLessThanOrEqualTo(24).matches(".*[a-z2-9]{13}");
    }

    @Test
    void uniqueFakeOnAColumnTooShortForTheTokenIsRefusedWithTheLengthNeeded() {
        assertThatThrownBy(() -> Transformers.create(TransformersTest.rule("name"), varchar(12), true, PRF))
                .isInstanceOf(MaskingConfigException.class)
                .hasMessageContaining("character varying(12)")
                .hasMessageContaining("at least 15");
        assertThatThrownBy(() -> Transformers.create(TransformersTest.rule("email"), varchar(20), true, PRF))
                .isInstanceOf(MaskingConfigException.class)
                .hasMessageContaining("at least 25");
        // not unique: cut as before
        assertThat(Transformers.create(TransformersTest.rule("name"), varchar(12), false, PRF).apply("x")).hasSizeLessThanOrEqualTo(12);
    }

    @Test
    void hashOnAShortUniqueColumnIsRefusedBelow64Bits() {
        assertThatThrownBy(() -> Transformers.create(TransformersTest.rule("hash"), varchar(12), true, PRF))
                .isInstanceOf(MaskingConfigException.class)
                .hasMessageContaining("48 bits")
                .hasMessageContaining("at least 16");
        assertThatThrownBy(() -> Transformers.create(TransformersTest.rule("{rule: hash, length: 8}"), ColumnType.of(Family.TEXT), true, PRF))
                .isInstanceOf(MaskingConfigException.class);
        assertThatThrownBy(() -> Transformers.create(TransformersTest.rule("{rule: hash, length: 4}"), ColumnType.of(Family.BYTEA), true, PRF))
                .isInstanceOf(MaskingConfigException.class);
        assertThat(Transformers.create(TransformersTest.rule("hash"), varchar(16), true, PRF).apply("a")).hasSize(16);
        assertThat(Transformers.create(TransformersTest.rule("hash"), varchar(12), false, PRF).apply("a")).hasSize(12);
    }

    @Test
    void gateSamplesEveryTypeItCanRenderAsText() {
        for (Family f : List.of(Family.DATE, Family.BYTEA, Family.OTHER)) {
            assertThat(CoverageGate.worthSampling(new SourceColumn("public.t", "c", ColumnType.of(f), false, false, false)))
                    .as(f.name()).isTrue();
        }
        assertThat(CoverageGate.worthSampling(new SourceColumn("public.t", "c", ColumnType.of(Family.TEXT).asArray(), false, false, false))).isTrue();
        // bytea sampled as escaped text
        assertThat(CoverageGate.sampleExpression(new SourceColumn("public.t", "c", ColumnType.of(Family.BYTEA), false, false, false)))
                .isEqualTo("pg_catalog.encode(\"c\", 'escape')");
    }

    @Test
    void gateJudgesByteaEnumCompositeHstoreXmlAndDateValues() {
        List<String> emails = List.of("jane.doe@corp.com", "bob.ray@corp.com", "x.y@corp.com", "li.wu@corp.com");
        assertThat(gate(new SourceColumn("public.t", "blob", ColumnType.of(Family.BYTEA), false, false, false), emails))
                .map(CoverageGate.Finding::kind).contains(PiiKind.EMAIL);
        assertThat(gate(new SourceColumn("public.t", "who", other("person_kind"), false, false, false),
                List.of("Maria Garcia", "John Miller", "Wei Chen", "Anna Kowalski"))).map(CoverageGate.Finding::kind).contains(PiiKind.PERSON_NAME);
        assertThat(gate(new SourceColumn("public.t", "contact", other("contact_t"), false, false, false),
                List.of("(\"Jane Doe\",jane@corp.com,+1 415 555 2671)", "(\"Bob Ray\",bob@corp.com,+1 415 555 2672)",
                        "(\"Li Wu\",li@corp.com,+1 415 555 2673)"))).map(CoverageGate.Finding::kind).contains(PiiKind.EMAIL);
        assertThat(gate(new SourceColumn("public.t", "attrs", other("hstore"), false, false, false),
                List.of("\"mail\"=>\"jane@corp.com\", \"x\"=>\"1\"", "\"mail\"=>\"bob@corp.com\"", "\"mail\"=>\"li@corp.com\"")))
                .map(CoverageGate.Finding::kind).contains(PiiKind.EMAIL);
        assertThat(gate(new SourceColumn("public.t", "doc", other("xml"), false, false, false),
                List.of("<p><who>Jane Doe</who><tel>+1 415 555 2671</tel></p>", "<p><who>Bob Ray</who><tel>+1 415 555 2672</tel></p>",
                        "<p><who>Li Wu</who><tel>+44 20 7946 0958</tel></p>"))).isPresent();
        assertThat(gate(new SourceColumn("public.t", "d", ColumnType.of(Family.DATE), false, false, false),
                List.of("1961-03-02", "1984-11-23", "1990-07-14", "1975-01-30", "2001-05-05", "1958-12-12")))
                .map(CoverageGate.Finding::kind).contains(PiiKind.BIRTH_DATE);
        // dates of events (recent, close together) are not birth dates
        assertThat(gate(new SourceColumn("public.t", "d", ColumnType.of(Family.DATE), false, false, false),
                List.of("2024-03-02", "2024-11-23", "2025-07-14", "2024-01-30", "2025-05-05"))).isEmpty();
        assertThat(gate(new SourceColumn("public.t", "status", other("order_status"), false, false, false),
                List.of("open", "shipped", "closed", "open"))).isEmpty();
    }

    @Test
    void tsvectorWithoutARuleIsRefusedOfferingRecompute() {
        Optional<CoverageGate.Finding> f = gate(new SourceColumn("public.docs", "search", other("tsvector"), false, false, false),
                List.of("'cat':1 'sat':2"));
        assertThat(f).isPresent();
        assertThat(f.get().suggestion()).isEqualTo("recompute");
        assertThat(f.get().evidence()).contains("tsvector");
        // not sampled at all: still refused
        SourceColumn c = new SourceColumn("public.docs", "search", other("tsvector"), false, false, false);
        assertThat(CoverageGate.evaluate(List.of(c), Map.of(), 0.3, Set.of())).hasSize(1);
        assertThat(Rule.parse(com.fasterxml.jackson.databind.node.TextNode.valueOf("recompute"), "w").kind()).isEqualTo(RuleKind.RECOMPUTE);
    }

    @Test
    void jsonRuleUnlistedPathsAreJudgedByTheGate() {
        SourceColumn c = new SourceColumn("public.t", "profile", ColumnType.of(Family.JSONB), false, false, false);
        List<String> values = List.of("{\"email\": \"jane@corp.com\", \"phone\": \"+1 415 555 2671\"}",
                "{\"email\": \"bob@corp.com\", \"phone\": \"+1 415 555 2672\"}", "{\"email\": \"li@corp.com\", \"phone\": \"+1 415 555 2673\"}");
        List<CoverageGate.Finding> f = CoverageGate.evaluate(List.of(c), Map.of(c, values), 0.3, Set.of(),
                Map.of(c, Set.of("$.email")));
        assertThat(f).hasSize(1);
        assertThat(f.get(0).kind()).isEqualTo(PiiKind.PHONE);
        assertThat(f.get(0).evidence()).contains("$.phone").doesNotContain("$.email");
        assertThat(CoverageGate.evaluate(List.of(c), Map.of(c, values), 0.3, Set.of(), Map.of(c, Set.of("$.email", "$.phone")))).isEmpty();
    }

    @Test
    void personNamesBeyondTheFakeListsAndInAnyCase() {
        // names the fake generator never produces
        assertThat(PiiDetector.whole("Siobhan O'Sullivan")).contains(PiiKind.PERSON_NAME);
        assertThat(PiiDetector.whole("Priya Raghunathan")).contains(PiiKind.PERSON_NAME);
        assertThat(PiiDetector.whole("Dmitri Volkov")).contains(PiiKind.PERSON_NAME);
        // any case
        assertThat(PiiDetector.whole("JENNIFER LOPEZ")).contains(PiiKind.PERSON_NAME);
        assertThat(PiiDetector.whole("jennifer lopez")).contains(PiiKind.PERSON_NAME);
        // patterns: "Last, First" and an initial
        assertThat(PiiDetector.whole("Kowalski, Anna")).contains(PiiKind.PERSON_NAME);
        assertThat(PiiDetector.whole("J. Nakamura")).contains(PiiKind.PERSON_NAME);
        assertThat(PiiDetector.whole("blue widget")).isEmpty();
        assertThat(PiiDetector.whole("OPEN")).isEmpty();
    }
}
