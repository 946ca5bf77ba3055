package dev.dolly.agent.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.api.CheckRequest;
import dev.dolly.agent.api.CheckView;
import dev.dolly.agent.api.ErrorCode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CheckRegistryTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final CheckRegistry registry = new CheckRegistry(id -> {
        if (id.equals("missing")) {
            throw new AgentException(ErrorCode.UNKNOWN_CLONE, "no clone 'missing'");
        }
        return new Unreachable(id, release);
    }, Clock.fixed(Instant.parse("2026-12-03T00:00:00Z"), ZoneOffset.UTC));

    @AfterEach
    void close() {
        release.countDown();
        registry.close();
    }

    private static CheckRequest files(String id, String... sql) {
        return new CheckRequest(id, "files", java.util.Arrays.stream(sql).map(s -> new CheckRequest.Migration("V1.sql", s)).toList(), null, null);
    }

    private static ErrorCode code(Runnable r) {
        try {
            r.run();
        } catch (AgentException e) {
            return e.code();
        }
        return null;
    }

    private CheckView await(String id) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            CheckView v = registry.get(id);
            if (!v.state().equals("RUNNING")) {
                return v;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("check " + id + " still running");
    }

    @Test
    void anEmptyMigrationPassesWithoutTouchingTheClone() throws Exception {
        CheckView v = registry.start("c1", files("chk-1"));
        assertThat(v.mode()).isEqualTo("files");
        CheckView done = await("chk-1");
        assertThat(done.state()).isEqualTo("DONE");
        assertThat(done.report().verdict()).isEqualTo("pass");
        assertThat(done.report().check()).isEqualTo("chk-1");
        assertThat(done.report().markdown()).isNull();
    }

    @Test
    void startIsIdempotentByIdAndAnIdBelongsToOneClone() throws Exception {
        registry.start("c1", files("chk-2"));
        await("chk-2");
        assertThat(registry.start("c1", files("chk-2")).state()).isEqualTo("DONE");
        assertThat(code(() -> registry.start("c2", files("chk-2")))).isEqualTo(ErrorCode.CONFLICT);
    }

    @Test
    void aBusyCloneRefusesASecondCheckAndAFailingCloneFailsTheCheck() throws Exception {
        registry.start("c1", files("chk-3", "ALTER TABLE t ADD COLUMN c int"));
        assertThat(registry.get("chk-3").state()).isEqualTo("RUNNING");
        assertThat(code(() -> registry.start("c1", files("chk-4")))).isEqualTo(ErrorCode.CONFLICT);
        assertThat(code(() -> registry.finish("chk-3"))).isEqualTo(ErrorCode.CONFLICT);
        release.countDown();
        CheckView v = await("chk-3");
        assertThat(v.state()).isEqualTo("FAILED");
        assertThat(v.error()).contains("unreachable in this test");
        assertThat(registry.start("c1", files("chk-4")).id()).isEqualTo("chk-4");
    }

    @Test
    void clearCodesForBadRequests() {
        assertThat(code(() -> registry.get("nope"))).isEqualTo(ErrorCode.UNKNOWN_CHECK);
        assertThat(code(() -> registry.start("missing", files("chk-5")))).isEqualTo(ErrorCode.UNKNOWN_CLONE);
        assertThat(code(() -> registry.start("c1", new CheckRequest("bad id!", "files", List.of(), null, null)))).isEqualTo(ErrorCode.INVALID_NAME);
        assertThat(code(() -> registry.start("c1", new CheckRequest("chk-6", "replay", List.of(), null, null)))).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(code(() -> registry.start("c1", new CheckRequest("chk-7", "observe",
                List.of(new CheckRequest.Migration("a.sql", "SELECT 1")), null, null)))).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(code(() -> registry.start("Bad/Clone", files("chk-8")))).isEqualTo(ErrorCode.INVALID_NAME);
        // a refused start leaves no check behind
        assertThat(code(() -> registry.get("chk-5"))).isEqualTo(ErrorCode.UNKNOWN_CHECK);
    }

    @Test
    void observeOnAnUnreachableCloneFailsWithTheReason() {
        release.countDown();
        CheckView v = registry.start("c1", new CheckRequest("chk-9", "observe", List.of(), null, null));
        assertThat(v.state()).isEqualTo("FAILED");
        assertThat(v.error()).contains("cannot observe clone c1");
        assertThat(registry.finish("chk-9").state()).isEqualTo("FAILED");
    }

    /** A clone whose server cannot be reached (after {@code release}). */
    private record Unreachable(String cloneId, CountDownLatch release) implements CloneAccess {
        @Override
        public Connection connect() throws SQLException {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new SQLException("unreachable in this test");
        }

        @Override
        public void savepoint(String name) {}

        @Override
        public void rollbackTo(String name) {}

        @Override
        public void deleteSavepoint(String name) {}

        @Override
        public void deleteStaleSavepoint(String name) {}

        @Override
        public String ownerRole() {
            return "owner";
        }

        @Override
        public String serverLog(Instant since) {
            return "";
        }
    }
}
