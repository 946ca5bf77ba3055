package dev.dolly.agent.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.config.TemplateConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedPopulatorTest {
    static TemplateConfig seeded(List<Path> seed) {
        return new TemplateConfig("shop", "shop", "", seed, null, null, null, 3,
                new TemplateConfig.CloneDefaults(null, null, null, 0, 0), null, null, null);
    }

    @Test
    void directoriesRunInNaturalOrderAfterListedFiles(@TempDir Path dir) throws Exception {
        Path first = Files.writeString(dir.resolve("00-roles.sql"), "SELECT 1;");
        Path mig = Files.createDirectories(dir.resolve("migrations"));
        for (String f : List.of("V10__c.sql", "V2__b.sql", "V1__a.sql", "README.md")) {
            Files.writeString(mig.resolve(f), "SELECT 1;");
        }
        Files.createDirectories(mig.resolve("sub"));
        Files.writeString(mig.resolve("sub/V3__d.sql"), "SELECT 1;");
        List<Path> files = SeedPopulator.files(seeded(List.of(first, mig)));
        assertThat(files).extracting(p -> dir.relativize(p).toString()).containsExactly(
                "00-roles.sql", "migrations/V1__a.sql", "migrations/V2__b.sql", "migrations/V10__c.sql", "migrations/sub/V3__d.sql");
    }

    @Test
    void missingSeedIsRefusedBeforeAnyDatasetIsMade(@TempDir Path dir) throws Exception {
        SeedPopulator p = new SeedPopulator(inv -> { throw new AssertionError("nothing runs in guard"); }, null);
        assertThatThrownBy(() -> p.guard(seeded(List.of(dir.resolve("nope.sql"))))).isInstanceOf(AgentException.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> p.guard(seeded(List.of(Files.createDirectories(dir.resolve("empty"))))))
                .hasMessageContaining("holds no .sql files");
        assertThatThrownBy(() -> p.guard(seeded(List.of()))).hasMessageContaining("no seed files");
    }

    @Test
    void naturalOrder() {
        assertThat(SeedPopulator.natural("V2__x", "V10__x")).isNegative();
        assertThat(SeedPopulator.natural("a", "b")).isNegative();
        assertThat(SeedPopulator.natural("V1", "V1")).isZero();
    }

    @Test
    void populatorChoiceByConfig(@TempDir Path dir) {
        SeedPopulator seed = new SeedPopulator(inv -> null, null);
        TemplatePopulator live = (t, s, p) -> java.util.Map.of();
        Populators ps = new Populators().register(TemplateConfig::hasSource, live).register(TemplateConfig::hasSeed, seed);
        assertThat(ps.forTemplate(seeded(List.of(dir)))).isSameAs(seed);
        TemplateConfig withSource = new TemplateConfig("live", "live", "", List.of(), new com.fasterxml.jackson.databind.node.ObjectNode(
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance), null, null, 3,
                new TemplateConfig.CloneDefaults(null, null, null, 0, 0), null, null, null);
        assertThat(ps.forTemplate(withSource)).isSameAs(live);
        TemplateConfig neither = seeded(List.of());
        assertThatThrownBy(() -> ps.forTemplate(neither)).hasMessageContaining("neither 'seed' nor 'source'");
    }
}
