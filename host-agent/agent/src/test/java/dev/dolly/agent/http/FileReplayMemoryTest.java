package dev.dolly.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's replay memory on disk: survives a reopen, forgets what expired, stays bounded. */
class FileReplayMemoryTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private static String key(int i) {
        return String.format("%064x", i);
    }

    @Test
    void survivesAReopenAndForgetsExpiredEntries(@TempDir Path dir) {
        Path file = dir.resolve("state/replay-memory");
        FileReplayMemory m = new FileReplayMemory(file, NOW);
        assertThat(m.firstUse(key(1), NOW, NOW.plusSeconds(300))).isTrue();
        assertThat(m.firstUse(key(2), NOW, NOW.plusSeconds(10))).isTrue();
        assertThat(m.firstUse(key(1), NOW, NOW.plusSeconds(300))).isFalse();
        FileReplayMemory reopened = new FileReplayMemory(file, NOW.plusSeconds(60));
        assertThat(reopened.size()).isEqualTo(1);
        assertThat(reopened.firstUse(key(1), NOW.plusSeconds(60), NOW.plusSeconds(300))).isFalse();
        assertThat(reopened.firstUse(key(2), NOW.plusSeconds(60), NOW.plusSeconds(400))).isTrue();
    }

    @Test
    void theFileStaysBoundedByTheLiveEntries(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("replay-memory");
        FileReplayMemory m = new FileReplayMemory(file, NOW);
        for (int i = 0; i < 5000; i++) {
            Instant at = NOW.plusSeconds(i / 10);
            assertThat(m.firstUse(key(i), at, at.plusSeconds(300))).isTrue();
        }
        // 10 a second, 300 s each: about 3000 live at the end; the file holds at most twice that
        assertThat(Files.readAllLines(file).size()).isLessThanOrEqualTo(2 * m.size() + 1);
        assertThat(m.size()).isLessThanOrEqualTo(3011);
    }
}
