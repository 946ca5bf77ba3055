package dev.dolly.functions.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.agent.api.CheckReport;
import dev.dolly.functions.FakeCheckAgent;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The check's reports as people read them: markdown for a pull request, JUnit XML for CI (issue 14). */
class CheckReportsTest {
    private static final CheckMarkdown.Context SHOP = new CheckMarkdown.Context("shop", "shop-check-1", false, 800L);

    @Test
    void markdownStartsWithAOneLineSummaryAndListsTheWorstFindingFirst() {
        CheckReport r = RowValues.scrub(FakeCheckAgent.sampleReport());
        String md = CheckMarkdown.render(r, SHOP);
        String first = md.lines().findFirst().orElseThrow();
        assertThat(first).startsWith("❌ **Dolly migration check: fail** — 3 findings (2 errors, 1 warning)")
                .contains("2 files, 2 statements in 5.2 s on a full-size clone of `shop`")
                .contains("production queries blocked up to 4.2 s")
                .contains("failed at V8__unique_email.sql:1");
        int blocking = md.indexOf("`require-concurrent-index-creation`");
        int dup = md.indexOf("`statement-error`");
        int timeout = md.indexOf("`require-lock-timeout`");
        assertThat(blocking).as("errors first, the one that blocked production first among them").isPositive().isLessThan(dup);
        assertThat(dup).isLessThan(timeout);
        assertThat(md).contains("| 4.2 s (37 queries) |").contains("*Fix:* CREATE INDEX CONCURRENTLY")
                .contains("<details><summary>Statements as they ran on the clone (2)</summary>")
                .contains("ShareLock on orders 4.3 s").contains("23505").contains("(12 rows in the way)");
        assertThat(count(md, "<details>")).isEqualTo(count(md, "</details>"));
    }

    @Test
    void rowValuesNeverReachAReport() {
        CheckReport r = RowValues.scrub(FakeCheckAgent.sampleReport());
        String md = CheckMarkdown.render(r, SHOP);
        String xml = CheckJunit.render(r, "shop");
        assertThat(md).doesNotContain("ann@example.com").contains("Key (email)=(…)");
        assertThat(xml).doesNotContain("ann@example.com").contains("Key (email)=(…)");
        assertThat(RowValues.scrub("new row violates check constraint \"c\" Failing row contains (1, secret, (2,3)).") )
                .isEqualTo("new row violates check constraint \"c\" Failing row contains (…).");
        assertThat(RowValues.scrub("Key (a, b)=(1, (x)) already exists.")).isEqualTo("Key (a, b)=(…) already exists.");
    }

    @Test
    void aHugeReportIsCutUnderTheLimitWithANote() {
        List<CheckReport.Finding> findings = new ArrayList<>();
        List<CheckReport.Statement> statements = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            findings.add(new CheckReport.Finding("ban-drop-column", i % 2 == 0 ? "warning" : "error", "V" + i + ".sql",
                    "ALTER TABLE t" + i + " DROP COLUMN c " + "x".repeat(300), i, "t" + i, "AccessExclusiveLock", (long) i, (long) i, i,
                    "Dropping a column breaks the running application " + "y".repeat(200), "Stop reading it first, drop later."));
            statements.add(new CheckReport.Statement("V" + i + ".sql", 1, "ALTER TABLE t" + i + " DROP COLUMN c", 10, List.of(), List.of(),
                    0, 0, null, null, null));
        }
        CheckReport r = new CheckReport("chk-1", "fail", 99_000, findings, statements, null, null);
        String md = CheckMarkdown.render(r, SHOP);
        assertThat(md.length()).isLessThan(CheckMarkdown.LIMIT);
        assertThat(md).startsWith("❌ **Dolly migration check: fail** — 3000 findings (1500 errors, 1500 warnings)");
        assertThat(md).contains("*Cut to fit one comment: ").contains("statements").contains("dolly-check.json");
        assertThat(count(md, "<details>")).isEqualTo(count(md, "</details>"));
        // the worst (an error blocking longest: the last odd one) is shown
        assertThat(md).contains("V2999.sql:2999");
        // a smaller limit cuts more, still under it
        assertThat(CheckMarkdown.render(r, SHOP, 5_000).length()).isLessThan(5_000);
    }

    @Test
    void markdownKeepsHtmlAndPipesOutOfTheComment() {
        CheckReport.Finding f = new CheckReport.Finding("renaming-table", "error", "V1|x.sql", "ALTER TABLE a RENAME TO b", 1, "a|b",
                null, null, null, null, "<script>alert(1)</script> | & more", "```rm -rf```");
        String md = CheckMarkdown.render(new CheckReport("c", "warn", 1, List.of(f), List.of(), null, null), SHOP);
        assertThat(md).doesNotContain("<script>").contains("&lt;script&gt;").contains("V1\\|x.sql").contains("a\\|b")
                .contains("&amp; more");
    }

    @Test
    void junitHasOneCasePerFileAndPerFindingAndFailsErrorsOnly() throws Exception {
        CheckReport r = RowValues.scrub(FakeCheckAgent.sampleReport());
        Document d = parse(CheckJunit.render(r, "shop"));
        NodeList cases = d.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(2 + 3);
        assertThat(((Element) cases.item(0)).getAttribute("name")).isEqualTo("V7__orders_index.sql");
        assertThat(((Element) cases.item(0)).getAttribute("time")).isEqualTo("4.300");
        assertThat(((Element) cases.item(1)).getAttribute("name")).isEqualTo("V8__unique_email.sql");
        assertThat(((Element) cases.item(1)).getElementsByTagName("failure").getLength()).isEqualTo(1);
        assertThat(((Element) cases.item(2)).getAttribute("name")).isEqualTo("require-concurrent-index-creation at V7__orders_index.sql:1 on orders");
        assertThat(((Element) cases.item(4)).getAttribute("name")).startsWith("require-lock-timeout");
        assertThat(((Element) cases.item(4)).getElementsByTagName("failure").getLength()).as("a warning passes").isZero();
        assertThat(((Element) cases.item(4)).getElementsByTagName("system-out").item(0).getTextContent()).startsWith("warning: ");
        Element suites = d.getDocumentElement();
        assertThat(suites.getAttribute("tests")).isEqualTo("5");
        assertThat(suites.getAttribute("failures")).isEqualTo("3");
    }

    @Test
    void junitEscapesEverythingAndDropsWhatXmlCannotHold() throws Exception {
        String nasty = "a \"quoted\" <tag> & 'apostrophe' \u0001 bell\u0007 ]]> done 😀";
        CheckReport.Finding f = new CheckReport.Finding("rule<&>", "error", "V\"1\".sql", nasty, 1, null, null, null, null, null, nasty, nasty);
        CheckReport.Statement s = new CheckReport.Statement("V\"1\".sql", 1, nasty, 1, List.of(), List.of(), 0, 0, null, null,
                new CheckReport.Error("42601", nasty, null));
        Document d = parse(CheckJunit.render(new CheckReport("c", "fail", 1, List.of(f), List.of(s), null, null), "sh&op"));
        Element finding = (Element) d.getElementsByTagName("testcase").item(1);
        Element failure = (Element) finding.getElementsByTagName("failure").item(0);
        String clean = "a \"quoted\" <tag> & 'apostrophe'  bell ]]> done 😀";
        assertThat(failure.getAttribute("message")).isEqualTo(clean);
        assertThat(failure.getAttribute("type")).isEqualTo("rule<&>");
        assertThat(failure.getTextContent()).startsWith(clean);
        assertThat(((Element) d.getElementsByTagName("testcase").item(0)).getAttribute("name")).isEqualTo("V\"1\".sql");
        assertThat(((Element) d.getElementsByTagName("testsuite").item(0)).getAttribute("name")).isEqualTo("dolly-check.sh&op");
    }

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}
