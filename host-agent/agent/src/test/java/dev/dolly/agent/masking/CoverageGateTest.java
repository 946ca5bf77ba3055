package dev.dolly.agent.masking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.dolly.agent.masking.ColumnType.Family;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CoverageGateTest {

    private static SourceColumn col(String table, String name, Family f) {
        return new SourceColumn(table, name, ColumnType.of(f), false, false, false);
    }

    @Test
    void namesThatLookPersonal() {
        assertThat(PiiDetector.byName("email")).contains(PiiKind.EMAIL);
        assertThat(PiiDetector.byName("contactEmailAddress")).contains(PiiKind.EMAIL);
        assertThat(PiiDetector.byName("ip_address")).contains(PiiKind.IP_ADDRESS);
        assertThat(PiiDetector.byName("shipping_address")).contains(PiiKind.ADDRESS);
        assertThat(PiiDetector.byName("first_name")).contains(PiiKind.PERSON_NAME);
        assertThat(PiiDetector.byName("LastName")).contains(PiiKind.PERSON_NAME);
        assertThat(PiiDetector.byName("dateOfBirth")).contains(PiiKind.BIRTH_DATE);
        assertThat(PiiDetector.byName("dob")).contains(PiiKind.BIRTH_DATE);
        assertThat(PiiDetector.byName("ssn")).contains(PiiKind.NATIONAL_ID);
        assertThat(PiiDetector.byName("iban")).contains(PiiKind.IBAN);
        assertThat(PiiDetector.byName("card_number")).contains(PiiKind.CARD);
        assertThat(PiiDetector.byName("mobile_phone")).contains(PiiKind.PHONE);
        assertThat(PiiDetector.byName("product_name")).isEmpty();
        assertThat(PiiDetector.byName("created_at")).isEmpty();
        assertThat(PiiDetector.byName("description")).isEmpty();
        assertThat(PiiDetector.byName("zip")).contains(PiiKind.ADDRESS);
    }

    @Test
    void valuesThatLookPersonal() {
        assertThat(PiiDetector.whole("jane.doe@corp.com")).contains(PiiKind.EMAIL);
        assertThat(PiiDetector.whole("+1 (415) 555-2671")).contains(PiiKind.PHONE);
        assertThat(PiiDetector.whole("030 1234567")).contains(PiiKind.PHONE);
        assertThat(PiiDetector.whole("2021-03-04")).isEmpty();
        assertThat(PiiDetector.whole("Jennifer Lopez")).contains(PiiKind.PERSON_NAME);
        assertThat(PiiDetector.whole("Blue Widget")).isEmpty();
        assertThat(PiiDetector.whole("1600 Pennsylvania Avenue NW")).contains(PiiKind.ADDRESS);
        assertThat(PiiDetector.whole("Hauptstraße 5")).contains(PiiKind.ADDRESS);
        assertThat(PiiDetector.whole("123-45-6789")).contains(PiiKind.NATIONAL_ID);
        assertThat(PiiDetector.whole("GB82 WEST 1234 5698 7654 32")).contains(PiiKind.IBAN);
        assertThat(PiiDetector.whole("GB82 WEST 1234 5698 7654 33")).isNotEqualTo(Optional.of(PiiKind.IBAN));
        assertThat(PiiDetector.whole("4111 1111 1111 1111")).contains(PiiKind.CARD);
        assertThat(PiiDetector.whole("4111 1111 1111 1112")).isNotEqualTo(Optional.of(PiiKind.CARD));
        assertThat(PiiDetector.whole("192.168.10.1")).contains(PiiKind.IP_ADDRESS);
        assertThat(PiiDetector.whole("2001:db8::1")).contains(PiiKind.IP_ADDRESS);
        assertThat(PiiDetector.whole("300.1.1.1")).isNotEqualTo(Optional.of(PiiKind.IP_ADDRESS));
        assertThat(PiiDetector.whole("12.50")).isEmpty();
        assertThat(PiiDetector.embedded("call me at jane@corp.com tomorrow")).contains(PiiKind.EMAIL);
        assertThat(PiiDetector.embedded("paid with 4111-1111-1111-1111 ok")).contains(PiiKind.CARD);
    }

    @Test
    void gateFlagsUnruledPersonalColumnsAndSuggestsRules() throws Exception {
        MaskingConfig cfg = MaskingConfig.parse(new YAMLMapper().readTree("""
                tables:
                  public.users: { email: email, nickname: keep }
                  public.audit: truncate
                """), "m");
        SourceColumn email = col("public.users", "email", Family.TEXT);
        SourceColumn nick = col("public.users", "nickname", Family.TEXT);
        SourceColumn phone = col("public.users", "phone", Family.TEXT);
        SourceColumn name = col("public.users", "name", Family.TEXT);
        SourceColumn note = col("public.users", "note", Family.TEXT);
        SourceColumn title = col("public.products", "title", Family.TEXT);
        SourceColumn ip = col("public.users", "last_seen_from", Family.INET);
        SourceColumn born = col("public.users", "birth_date", Family.DATE);
        SourceColumn auditEmail = col("public.audit", "email", Family.TEXT);
        SourceColumn emailCount = col("public.users", "email_count", Family.INT4);
        SourceColumn profile = col("public.users", "profile", Family.JSONB);
        List<SourceColumn> all = List.of(email, nick, phone, name, note, title, ip, born, auditEmail, emailCount, profile);
        List<SourceColumn> cands = CoverageGate.candidates(all, cfg);
        assertThat(cands).doesNotContain(email, nick, auditEmail);

        List<String> names = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        List<String> profiles = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            names.add(Fakes.FIRST[i] + " " + Fakes.LAST[i]);
            notes.add(i % 2 == 0 ? "ship to door, contact ann" + i + "@mail.com" : "leave at reception");
            titles.add("Widget " + i);
            profiles.add("{\"contact\": {\"mail\": \"p" + i + "@x.org\"}, \"score\": " + i + "}");
        }
        Map<SourceColumn, List<String>> samples = Map.of(name, names, note, notes, title, titles, profile, profiles,
                phone, List.of());
        List<CoverageGate.Finding> f = CoverageGate.evaluate(cands, samples, 0.3, Set.of());
        assertThat(f).extracting(CoverageGate.Finding::column)
                .containsExactlyInAnyOrder("phone", "name", "note", "last_seen_from", "birth_date", "profile");
        String msg = CoverageGate.message(f, "shop");
        assertThat(msg).contains("6 columns look personal").contains("templates.shop.masking.tables")
                .contains("    public.users:\n")
                .contains("      phone: phone")
                .contains("      name: name")
                .contains("      birth_date: {rule: dateShift, days: 180}")
                .contains("      last_seen_from: hash")
                .contains("      note: {rule: regex")
                .contains("      profile: {rule: json, paths: {\"$.contact.mail\": email}}");
        // a column covered through a foreign key is not flagged
        assertThat(CoverageGate.evaluate(cands, samples, 0.3, Set.of("public.users.phone")))
                .extracting(CoverageGate.Finding::column).doesNotContain("phone");
    }
}
