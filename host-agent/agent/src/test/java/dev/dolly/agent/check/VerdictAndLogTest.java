package dev.dolly.agent.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dolly.agent.api.CheckReport;
import dev.dolly.agent.api.CheckReport.Finding;
import dev.dolly.agent.api.CheckRequest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerdictAndLogTest {
    private static final CheckRequest.Thresholds TH = CheckRequest.Thresholds.DEFAULTS;

    private static Finding f(String rule, String severity, Long blockedMs) {
        return new Finding(rule, severity, "V1.sql", "x", 1, "orders", null, null, blockedMs, blockedMs == null ? null : 3, "m", null);
    }

    @Test
    void verdicts() {
        assertThat(Verdict.of(List.of(), TH)).isEqualTo("pass");
        assertThat(Verdict.of(List.of(f("prefer-robust-stmts", "warning", null)), TH)).isEqualTo("pass");
        assertThat(Verdict.of(List.of(f("require-concurrent-index-creation", "error", null)), TH)).isEqualTo("warn");
        assertThat(Verdict.of(List.of(f(DynamicFindings.BLOCKED, "warning", 900L)), TH)).isEqualTo("pass");
        assertThat(Verdict.of(List.of(f(DynamicFindings.BLOCKED, "error", 1001L)), TH)).isEqualTo("fail");
        assertThat(Verdict.of(List.of(f(DynamicFindings.ERROR, "error", null)), TH)).isEqualTo("fail");
        assertThat(Verdict.of(List.of(f(DynamicFindings.REWRITE, "warning", null)), TH)).isEqualTo("warn");
        assertThat(Verdict.of(List.of(f(DynamicFindings.REWRITE, "info", null)), TH)).isEqualTo("pass");
        assertThat(Verdict.of(List.of(f(DynamicFindings.BLOCKED, "warning", 1001L)), new CheckRequest.Thresholds(5000, 1))).isEqualTo("pass");
    }

    @Test
    void theReportPutsTheBiggestFindingsFirst() {
        CheckReport r = Verdict.report("c", List.of(f("prefer-robust-stmts", "warning", null), f(DynamicFindings.BLOCKED, "error", 20L),
                f(DynamicFindings.BLOCKED, "error", 4000L), f("x", "info", null)), List.of(), TH, 12);
        assertThat(r.findings()).extracting(Finding::blockedMs).containsExactly(4000L, 20L, null, null);
        assertThat(r.verdict()).isEqualTo("fail");
        assertThat(r.durationMs()).isEqualTo(12);
    }

    @Test
    void serverLogStatementsErrorsAndRewritesWithoutOurSessionsOrDetails() {
        String log = """
                2026-12-03 00:31:00.123 UTC [77] 00000 LOG:  statement: ALTER TABLE orders
                	ADD COLUMN token uuid DEFAULT gen_random_uuid();
                2026-12-03 00:31:00.200 UTC [77] 00000 LOG:  dolly-check: table_rewrite of orders (oid 16390)
                2026-12-03 00:31:00.300 UTC [88] 00000 LOG:  statement: SELECT 1 FROM orders LIMIT 1
                2026-12-03 00:31:00.400 UTC [77] 00000 LOG:  execute <unnamed>: CREATE INDEX i ON orders (total)
                2026-12-03 00:31:01.000 UTC [77] 23505 ERROR:  could not create unique index "u"
                2026-12-03 00:31:01.000 UTC [77] 23505 DETAIL:  Key (email)=(alice@example.com) is duplicated.
                2026-12-03 00:31:01.000 UTC [77] 22P02 ERROR:  invalid input syntax for type integer: "secret"
                """;
        ServerLog l = ServerLog.parse(log, Set.of(88));
        assertThat(l.statements()).extracting(ServerLog.Logged::sql).containsExactly(
                "ALTER TABLE orders\n\tADD COLUMN token uuid DEFAULT gen_random_uuid();", "CREATE INDEX i ON orders (total)");
        assertThat(l.rewrites()).containsExactly(16390L);
        assertThat(l.errors()).extracting(ServerLog.LoggedError::sqlstate).containsExactly("23505", "22P02");
        assertThat(l.errors()).extracting(ServerLog.LoggedError::message).noneMatch(m -> m.contains("alice") || m.contains("secret"));
    }

    @Test
    void lsnArithmetic() {
        assertThat(ServerFigures.lsn("0/16B3748")).isEqualTo(0x16B3748L);
        assertThat(ServerFigures.walBetween(new ServerFigures("0/FFFFFFFF", 0), new ServerFigures("1/0", 0))).isEqualTo(1);
    }

    @Test
    void columnsInTheWayAreQuotedPlainNamesOnly() {
        assertThat(RowsInTheWay.columns("email, \"Weird\"\"Col\"")).containsExactly("\"email\"", "\"Weird\"\"Col\"");
        assertThat(RowsInTheWay.columns("lower(email)")).isNull();
        assertThat(RowsInTheWay.safeMessage("23502", "ERROR: column \"x\" of relation \"t\" contains null values"))
                .isEqualTo("column \"x\" of relation \"t\" contains null values");
    }

    @Test
    void queuedEstimateFromTheProbeRate() {
        assertThat(DynamicFindings.queued(40, 2500L)).contains("about 100 would have queued");
        assertThat(DynamicFindings.queued(40, 0L)).isEmpty();
        assertThat(DynamicFindings.queued(0, 900L)).isEmpty();
    }
}
