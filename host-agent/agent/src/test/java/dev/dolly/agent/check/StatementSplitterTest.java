package dev.dolly.agent.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatementSplitterTest {

    private static List<String> sqls(String text) {
        return StatementSplitter.split("f.sql", text).stream().map(SqlStatement::sql).toList();
    }

    @Test
    void semicolonsInsideQuotesCommentsAndDollarQuotesDoNotSplit() {
        String text = """
                INSERT INTO t VALUES ('a;b', 'it''s; fine');
                SELECT E'x\\';y' AS "we;ird";
                -- a comment; with a semicolon
                /* outer /* nested; */ still comment; */ SELECT 1;
                CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$ BEGIN RETURN 1; END $fn$;
                DO $$ BEGIN PERFORM 1; END $$;
                SELECT 2""";
        assertThat(sqls(text)).containsExactly(
                "INSERT INTO t VALUES ('a;b', 'it''s; fine')",
                "SELECT E'x\\';y' AS \"we;ird\"",
                "SELECT 1",
                "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$ BEGIN RETURN 1; END $fn$",
                "DO $$ BEGIN PERFORM 1; END $$",
                "SELECT 2");
    }

    @Test
    void aBeginAtomicBodyIsOneStatement() {
        String text = """
                CREATE FUNCTION g(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END; SELECT 3; END;
                SELECT 4;""";
        assertThat(sqls(text)).hasSize(2);
        assertThat(sqls(text).get(1)).isEqualTo("SELECT 4");
    }

    @Test
    void linesAreWhereTheStatementStartsAndLeadingCommentsAreDropped() {
        String text = "\n-- first\nCREATE TABLE a (x int);\n\n\nALTER TABLE a\n  ADD COLUMN y int;\n";
        List<SqlStatement> s = StatementSplitter.split("V1.sql", text);
        assertThat(s).extracting(SqlStatement::line).containsExactly(3, 6);
        assertThat(s.get(0).sql()).isEqualTo("CREATE TABLE a (x int)");
        assertThat(s.get(1).shape()).isEqualTo("ALTER TABLE a ADD COLUMN y int");
        assertThat(s.get(1).file()).isEqualTo("V1.sql");
    }

    @Test
    void dollyIgnoreNamesTheRulesOfTheNextStatement() {
        String text = """
                -- dolly:ignore require-concurrent-index-creation, prefer-robust-stmts
                CREATE INDEX i ON t (x);
                CREATE INDEX j ON t (y);""";
        List<SqlStatement> s = StatementSplitter.split("f", text);
        assertThat(s.get(0).ignored()).containsExactlyInAnyOrder("require-concurrent-index-creation", "prefer-robust-stmts");
        assertThat(s.get(1).ignored()).isEmpty();
    }

    @Test
    void anUnterminatedStringEndsTheTextWithoutLooping() {
        assertThat(sqls("SELECT 'abc; SELECT 2")).containsExactly("SELECT 'abc; SELECT 2");
        assertThat(sqls("  ;; ; ")).isEmpty();
    }

    @Test
    void shapeDropsCommentsAndCollapsesWhitespaceButKeepsLiterals() {
        assertThat(StatementSplitter.shape("ALTER  TABLE t -- x\n  ADD COLUMN c text DEFAULT 'a  b' /* c */")).isEqualTo(
                "ALTER TABLE t ADD COLUMN c text DEFAULT 'a  b'");
    }

    @Test
    void filesWithoutNoTxStatementsRunInOneTransaction() {
        TxPlan p = TxPlan.of("f", StatementSplitter.split("f", "ALTER TABLE t ADD COLUMN c int; CREATE INDEX i ON t (c);"));
        assertThat(p.wrapped()).isTrue();
        assertThat(p.steps()).allMatch(TxPlan.Step::inTransaction);
    }

    @Test
    void concurrentlyOrVacuumRunsEachStatementOnItsOwn() {
        for (String sql : List.of("CREATE INDEX CONCURRENTLY i ON t (c); SELECT 1;", "VACUUM t; SELECT 1;",
                "DROP INDEX CONCURRENTLY i; SELECT 1;", "REINDEX INDEX CONCURRENTLY i; SELECT 1;")) {
            TxPlan p = TxPlan.of("f", StatementSplitter.split("f", sql));
            assertThat(p.wrapped()).as(sql).isFalse();
            assertThat(p.steps()).as(sql).noneMatch(TxPlan.Step::inTransaction);
        }
    }

    @Test
    void explicitBeginCommitIsHonoured() {
        TxPlan p = TxPlan.of("f", StatementSplitter.split("f", "SET lock_timeout = '1s'; BEGIN; ALTER TABLE t ADD c int; "
                + "ALTER TABLE t ADD d int; COMMIT; SELECT 1;"));
        assertThat(p.wrapped()).isFalse();
        assertThat(p.steps()).extracting(TxPlan.Step::inTransaction).containsExactly(false, false, true, true, true, false);
        assertThat(p.steps()).extracting(TxPlan.Step::control).containsExactly(TxPlan.Control.NONE, TxPlan.Control.BEGIN,
                TxPlan.Control.NONE, TxPlan.Control.NONE, TxPlan.Control.END, TxPlan.Control.NONE);
    }

    @Test
    void statementsAsSentRunOnTheirOwnUnlessInsideBeginCommit() {
        TxPlan p = TxPlan.asSent("observed", StatementSplitter.split("observed", "ALTER TABLE t ADD c int; BEGIN; ALTER TABLE t ADD d int; COMMIT;"));
        assertThat(p.wrapped()).isFalse();
        assertThat(p.steps()).extracting(TxPlan.Step::inTransaction).containsExactly(false, false, true, true);
    }
}
