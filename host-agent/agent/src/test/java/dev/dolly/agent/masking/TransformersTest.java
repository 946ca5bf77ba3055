package dev.dolly.agent.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.dolly.agent.masking.ColumnType.Family;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class TransformersTest {

    private static final Prf PRF = new Prf("test-salt");
    private static final YAMLMapper YAML = new YAMLMapper();

    static Rule rule(String yaml) {
        try {
            JsonNode n = YAML.readTree(yaml);
            return Rule.parse(n, "masking.tables.public.t.c");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Transformer t(String yaml, Family f) {
        return Transformers.create(rule(yaml), ColumnType.of(f), false, PRF);
    }

    static Transformer t(String yaml, ColumnType type, boolean unique) {
        return Transformers.create(rule(yaml), type, unique, PRF);
    }

    static ColumnType varchar(int n) {
        return new ColumnType("character varying(" + n + ")", Family.TEXT, false, n);
    }

    // ------------------------------------------------------------ email

    @Test
    void emailIsRealisticDeterministicAndCarriesAToken() {
        Transformer e = t("email", Family.TEXT);
        String a = e.apply("jane.doe@corp.com");
        assertThat(a).matches("[a-z]+\\.[a-z]+\\.[a-z2-9]{13}@example\\.com");
        assertThat(e.apply("jane.doe@corp.com")).isEqualTo(a);
        assertThat(t("email", Family.TEXT).apply("jane.doe@corp.com")).isEqualTo(a);  // another column, same rule
        assertThat(e.apply("jane.doe2@corp.com")).isNotEqualTo(a);
        assertThat(Transformers.create(rule("email"), ColumnType.of(Family.TEXT), false, new Prf("other")).apply("jane.doe@corp.com"))
                .isNotEqualTo(a);
    }

    @Test
    void emailOptionsAndCitext() {
        assertThat(t("{rule: email, domain: test.invalid}", Family.TEXT).apply("x@y.com")).endsWith("@test.invalid");
        assertThat(t("{rule: email, keepDomain: true}", Family.TEXT).apply("x@Corp.COM")).endsWith("@corp.com");
        Transformer ci = t("email", Family.CITEXT);
        assertThat(ci.apply("Jane@Corp.com")).isEqualTo(ci.apply("jane@corp.com"));  // citext equality ignores case
        Transformer cs = t("email", Family.TEXT);
        assertThat(cs.apply("Jane@Corp.com")).isNotEqualTo(cs.apply("jane@corp.com"));  // text keeps them apart
        String shortOne = t("email", varchar(30), false).apply("someone@example.org");
        assertThat(shortOne.length()).isLessThanOrEqualTo(30);
        assertThat(shortOne).contains("@");
    }

    @Test
    void emailsStayUniqueOverManyInputs() {
        Transformer e = t("email", Family.TEXT);
        Set<String> out = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            out.add(e.apply("user" + i + "@corp.com"));
        }
        assertThat(out).hasSize(200_000);
    }

    // ------------------------------------------------------------ name / address / phone

    @Test
    void namesAndAddresses() {
        assertThat(t("name", Family.TEXT).apply("Zaphod Beeblebrox")).matches("\\p{Lu}\\p{L}+ \\p{Lu}\\p{L}+");
        assertThat(t("{rule: name, part: first}", Family.TEXT).apply("Zaphod")).matches("\\p{Lu}\\p{L}+");
        assertThat(t("name", ColumnType.of(Family.TEXT), true).apply("Zaphod")).matches("\\p{Lu}\\p{L}+ \\p{Lu}\\p{L}+ [a-z2-9]{13}");
        assertThat(t("address", Family.TEXT).apply("1 Real Road")).matches("\\d+ \\p{L}+ \\p{L}+");
        assertThat(t("{rule: address, part: full}", Family.TEXT).apply("1 Real Road"))
                .matches("\\d+ \\p{L}+ \\p{L}+, [\\p{L} ]+ \\d{5}");
        assertThat(t("{rule: address, part: postcode}", Family.TEXT).apply("x")).matches("\\d{5}");
        assertThatThrownBy(() -> t("{rule: name, part: middle}", Family.TEXT)).hasMessageContaining("part");
    }

    @Test
    void phoneKeepsTheShapeAndReplacesDigits() {
        Transformer p = t("phone", Family.TEXT);
        String in = "+1 (415) 555-2671";
        String out = p.apply(in);
        assertThat(out).hasSize(in.length());
        for (int i = 0; i < in.length(); i++) {
            assertThat(Character.isDigit(out.charAt(i))).isEqualTo(Character.isDigit(in.charAt(i)));
            if (!Character.isDigit(in.charAt(i))) {
                assertThat(out.charAt(i)).isEqualTo(in.charAt(i));
            }
        }
        assertThat(out).isNotEqualTo(in);
        assertThat(t("{rule: phone, keepFirst: 1}", Family.TEXT).apply(in)).startsWith("+1 (");
        String asInt = t("phone", Family.INT8).apply("4155552671");
        assertThat(asInt).hasSize(10).doesNotStartWith("0");
        assertThat(t("phone", ColumnType.of(Family.TEXT), true).apply(in)).contains(" x");
        assertThatThrownBy(() -> t("phone", ColumnType.of(Family.INT8), true)).hasMessageContaining("hash");
    }

    // ------------------------------------------------------------ partial / constant / null / regex

    @Test
    void partialKeepsEnds() {
        assertThat(t("partial", Family.TEXT).apply("4111111111111111")).isEqualTo("************1111");
        assertThat(t("{rule: partial, keepFirst: 2, keepLast: 2, mask: '#'}", Family.TEXT).apply("abcdefg")).isEqualTo("ab###fg");
        assertThat(t("{rule: partial, keepFirst: 1}", Family.TEXT).apply("secret")).isEqualTo("s*****");
        assertThat(t("partial", Family.TEXT).apply("123")).isEqualTo("***");   // too short: all masked
        assertThat(t("{rule: partial, keepLast: 1}", Family.TEXT).apply("ünï✓")).isEqualTo("***✓");
        assertThatThrownBy(() -> t("partial", Family.INT4)).hasMessageContaining("does not apply to type int4");
    }

    @Test
    void constantNullAndRegex() {
        Transformer c = t("{rule: constant, value: redacted}", Family.TEXT);
        assertThat(c.apply("x")).isEqualTo("redacted");
        assertThat(c.applyNull()).isNull();
        Transformer cn = t("{rule: constant, value: 0, replaceNull: true}", Family.INT4);
        assertThat(cn.apply("7")).isEqualTo("0");
        assertThat(cn.applyNull()).isEqualTo("0");
        assertThat(t("null", Family.TEXT).apply("x")).isNull();
        Transformer r = t("{rule: regex, pattern: '\\d{3}-\\d{2}-(\\d{4})', replace: 'XXX-XX-$1'}", Family.TEXT);
        assertThat(r.apply("ssn 123-45-6789 ok")).isEqualTo("ssn XXX-XX-6789 ok");
        assertThatThrownBy(() -> t("{rule: regex, pattern: '('}", Family.TEXT)).hasMessageContaining("pattern");
        assertThatThrownBy(() -> t("{rule: regex}", Family.TEXT)).hasMessageContaining("pattern");
    }

    // ------------------------------------------------------------ hash

    @Test
    void hashIsTypeAware() {
        String h = t("hash", Family.TEXT).apply("x");
        assertThat(h).matches("[0-9a-f]{32}");
        assertThat(t("{rule: hash, length: 64}", Family.TEXT).apply("x")).matches("[0-9a-f]{64}").startsWith(h);
        assertThat(t("hash", varchar(10), false).apply("x")).hasSize(10);
        assertThat(t("hash", Family.CITEXT).apply("ABC")).isEqualTo(t("hash", Family.CITEXT).apply("abc"));
        assertThat(t("hash", Family.UUID).apply("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(t("hash", Family.BYTEA).apply("\\xdeadbeef")).matches("\\\\x[0-9a-f]{32}");
        assertThat(t("hash", Family.JSONB).apply("{\"a\": 1}")).matches("\"[0-9a-f]{32}\"");
        assertThat(t("hash", Family.INET).apply("192.168.1.20")).matches("10\\.\\d+\\.\\d+\\.\\d+");
        assertThatThrownBy(() -> t("hash", Family.DATE)).hasMessageContaining("does not apply");
    }

    @Test
    void integerHashIsABijectionOverTheWholeRange() {
        Transformer h = t("hash", Family.INT2);
        Set<String> seen = new HashSet<>();
        for (int v = Short.MIN_VALUE; v <= Short.MAX_VALUE; v++) {
            String out = h.apply(Integer.toString(v));
            int o = Integer.parseInt(out);
            assertThat(o).isBetween((int) Short.MIN_VALUE, (int) Short.MAX_VALUE);
            seen.add(out);
        }
        assertThat(seen).hasSize(65536);
    }

    @Property(tries = 300)
    void int4AndInt8HashStayInRange(@ForAll int v, @ForAll long w) {
        long o = Long.parseLong(t("hash", Family.INT4).apply(Integer.toString(v)));
        assertThat(o).isBetween((long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE);
        Long.parseLong(t("hash", Family.INT8).apply(Long.toString(w)));
    }

    // ------------------------------------------------------------ dates

    @Test
    void dateShiftHandlesEveryTemporalForm() {
        Transformer d = t("{rule: dateShift, days: 10}", Family.DATE);
        String s = d.apply("1985-02-03");
        long diff = ChronoUnit.DAYS.between(LocalDate.parse("1985-02-03"), LocalDate.parse(s));
        assertThat(Math.abs(diff)).isBetween(1L, 10L);
        assertThat(d.apply("1985-02-03")).isEqualTo(s);
        assertThat(d.apply("infinity")).isEqualTo("infinity");
        assertThat(d.apply("-infinity")).isEqualTo("-infinity");
        assertThat(t("{rule: dateShift, days: 10}", Family.TIMESTAMP).apply("2020-01-01 12:34:56.789"))
                .matches("20(19|20)-\\d\\d-\\d\\d 12:34:56\\.789");
        assertThat(t("{rule: dateShift, days: 10}", Family.TIMESTAMPTZ).apply("2020-01-01 12:34:56+00"))
                .endsWith(" 12:34:56+00");
        assertThat(t("{rule: dateShift, days: 3}", Family.DATE).apply("0044-03-15 BC")).endsWith(" BC");
        assertThatThrownBy(() -> t("dateShift", Family.INT4)).hasMessageContaining("date");
    }

    @Property(tries = 300)
    void dateShiftIsBoundedAndNeverZero(@ForAll @IntRange(min = 1, max = 3000) int days,
                                        @ForAll @LongRange(min = -200000, max = 200000) long epochDay) {
        LocalDate in = LocalDate.ofEpochDay(epochDay);
        Transformer d = t("{rule: dateShift, days: " + days + "}", Family.DATE);
        LocalDate out = LocalDate.parse(d.apply(in.toString()));
        long diff = ChronoUnit.DAYS.between(in, out);
        assertThat(Math.abs(diff)).isBetween(1L, (long) days);
    }

    // ------------------------------------------------------------ noise

    @Property(tries = 300)
    void integerNoiseIsBoundedAndChangesTheValue(@ForAll @IntRange(min = -1_000_000, max = 1_000_000) int v) {
        long out = Long.parseLong(t("{rule: noise, percent: 10}", Family.INT4).apply(Integer.toString(v)));
        assertThat(out).isNotEqualTo(v);
        assertThat(Math.abs(out - v)).isLessThanOrEqualTo(Math.max(1, Math.abs(v) / 10 + 1));
    }

    @Test
    void numericNoiseKeepsScaleAndFloatsWork() {
        String out = t("{rule: noise, amount: 5}", Family.NUMERIC).apply("100.25");
        BigDecimal o = new BigDecimal(out);
        assertThat(o.scale()).isEqualTo(2);
        assertThat(o.subtract(new BigDecimal("100.25")).abs()).isLessThanOrEqualTo(new BigDecimal("5"));
        assertThat(o).isNotEqualByComparingTo("100.25");
        assertThat(t("noise", Family.NUMERIC).apply("NaN")).isEqualTo("NaN");
        assertThat(Double.parseDouble(t("noise", Family.FLOAT).apply("3.5"))).isBetween(3.15, 3.85);
        assertThat(t("{rule: noise, percent: 50}", Family.INT2).apply("32767")).matches("-?\\d+");
        assertThatThrownBy(() -> t("{rule: noise, percent: 1, amount: 2}", Family.INT4)).hasMessageContaining("either");
        assertThatThrownBy(() -> t("noise", Family.TIMESTAMP)).hasMessageContaining("does not apply");
    }

    // ------------------------------------------------------------ arrays and json

    @Test
    void arraysAreMaskedElementWise() {
        Transformer a = t("email", ColumnType.of(Family.TEXT).asArray(), false);
        String out = a.apply("{a@x.com,\"b c@x.com\",NULL}");
        assertThat(out).matches("\\{\"[^\"]+@example\\.com\",\"[^\"]+@example\\.com\",NULL}");
        Transformer nested = t("{rule: partial, keepLast: 1}", ColumnType.of(Family.TEXT).asArray(), false);
        assertThat(nested.apply("{{ab,cd},{\"e\\\"f\",gh}}")).isEqualTo("{{\"*b\",\"*d\"},{\"**f\",\"*h\"}}");
        assertThat(t("null", ColumnType.of(Family.TEXT).asArray(), false).apply("{a}")).isNull();
    }

    @Test
    void jsonPathsMaskOnlyWhatTheyReach() throws Exception {
        Transformer j = t("{rule: json, paths: {'$.contact.email': email, '$.phones[*]': phone, '$.age': {rule: noise, amount: 3},"
                + " 'nick': {rule: constant, value: anon}, '$.tags': keep}}", Family.JSONB);
        String in = "{\"contact\": {\"email\": \"jane@corp.com\", \"city\": \"Oslo\"}, \"phones\": [\"+47 555 12 345\", null],"
                + " \"age\": 40, \"nick\": \"jd\", \"tags\": [\"a\"], \"other\": \"jane@corp.com\"}";
        JsonNode out = new ObjectMapper().readTree(j.apply(in));
        assertThat(out.at("/contact/email").asText()).endsWith("@example.com");
        assertThat(out.at("/contact/city").asText()).isEqualTo("Oslo");
        assertThat(out.at("/phones/0").asText()).matches("\\+\\d\\d \\d{3} \\d\\d \\d{3}").isNotEqualTo("+47 555 12 345");
        assertThat(out.at("/phones/1").isNull()).isTrue();
        assertThat(out.at("/age").asInt()).isBetween(37, 43).isNotEqualTo(40);
        assertThat(out.at("/nick").asText()).isEqualTo("anon");
        assertThat(out.at("/other").asText()).isEqualTo("jane@corp.com");  // not ruled: kept
        assertThat(j.apply("[1,2]")).isEqualTo("[1,2]");
        // the same address masked inside json and in a text column gives the same fake
        assertThat(out.at("/contact/email").asText()).isEqualTo(t("email", Family.TEXT).apply("jane@corp.com"));
    }

    @Test
    void jsonPathErrorsAreClear() {
        assertThatThrownBy(() -> t("{rule: json, paths: {'$.a[': email}}", Family.JSONB)).hasMessageContaining("cannot parse JSON path");
        assertThatThrownBy(() -> t("{rule: json}", Family.JSONB)).hasMessageContaining("paths");
        assertThatThrownBy(() -> t("{rule: json, paths: {'$.a': email}}", Family.TEXT)).hasMessageContaining("json or jsonb");
        assertThatThrownBy(() -> t("{rule: json, paths: {'$.a': {rule: sql, expr: x}}}", Family.JSONB)).hasMessageContaining("inside a JSON");
    }

    // ------------------------------------------------------------ rule parsing

    @Test
    void ruleErrorsNameThePlace() {
        assertThatThrownBy(() -> rule("emial")).hasMessageContaining("masking.tables.public.t.c: unknown rule 'emial'")
                .hasMessageContaining("email");
        assertThatThrownBy(() -> rule("{rule: partial, keepLats: 4}")).hasMessageContaining("no parameter 'keepLats'");
        assertThatThrownBy(() -> t("{rule: dateShift, days: -1}", Family.DATE)).hasMessageContaining("between 1 and");
        assertThat(rule("{rule: date_shift, days: 3}").kind()).isEqualTo(RuleKind.DATE_SHIFT);
        assertThat(rule("{rule: partial, keepLast: 4}").yaml()).isEqualTo("{rule: partial, keepLast: 4}");
        assertThat(rule("email").yaml()).isEqualTo("email");
        assertThat(rule("{rule: address, part: full}").yaml()).isEqualTo("{rule: address, part: full}");
        assertThat(rule("{rule: regex, pattern: 'a b'}").yaml()).isEqualTo("{rule: regex, pattern: \"a b\"}");
    }

    @Property(tries = 300)
    void theByteFastPathGivesWhatTheStringPathGives(@ForAll @StringLength(max = 40) String v) {
        net.jqwik.api.Assume.that(v.indexOf('\u0000') < 0
                && new String(v.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.UTF_8).equals(v));
        ByteBuf field = new ByteBuf(64);
        CopyText.encode(v, field);
        for (Family f : new Family[] {Family.TEXT, Family.CITEXT}) {
            for (String r : new String[] {"email", "name", "{rule: name, part: last, unique: true}", "address",
                    "{rule: address, part: full, unique: true}", "{rule: address, part: postcode}", "hash", "{rule: hash, length: 12}",
                    "{rule: email, domain: shop.test}", "phone", "{rule: phone, keepFirst: 2}", "{rule: phone, unique: true}"}) {
                Transformer t = t(r, f);
                assertThat(t).as(r).isInstanceOf(ByteTransformer.class);
                ByteBuf fast = new ByteBuf(64);
                if (((ByteTransformer) t).applyBytes(field.array(), 0, field.size(), fast)) {
                    ByteBuf slow = new ByteBuf(64);
                    CopyText.encode(t.apply(v), slow);
                    assertThat(fast.toByteArray()).as("%s on %s", r, f).isEqualTo(slow.toByteArray());
                }
            }
        }
    }

    @Property(tries = 200)
    void everyStringRuleIsDeterministicAndNeverLeaksTheInput(@ForAll @StringLength(min = 6, max = 40) String in) {
        for (String r : new String[] {"email", "name", "address", "hash", "phone"}) {
            Transformer x = t(r, Family.TEXT);
            String out = x.apply(in);
            assertThat(out).isEqualTo(x.apply(in));
            if (!r.equals("phone") || in.chars().filter(Character::isDigit).count() >= 6) {
                assertThat(out).as(r).isNotEqualTo(in);
            }
        }
    }
}
