package dev.dolly.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** agent.images per major, templates.<t>.postgres and templates.<t>.upgrade.allowFailures. */
class PostgresMajorsConfigTest {

    private static AgentConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, Path.of("/etc/dolly"), Map.of());
    }

    @Test
    void imageIsTheDefaultMajorsAndItsRepositoryNamesTheOthers() {
        AgentConfig c = parse("agent: { image: dolly/postgres:15 }\n");
        assertThat(c.imageFor(15)).isEqualTo("dolly/postgres:15");
        assertThat(c.imageFor(17)).isEqualTo("dolly/postgres:17");
        assertThat(c.imageFor(18)).isEqualTo("dolly/postgres:18");
        assertThat(parse("agent: {}\n").imageFor(15)).isEqualTo("dolly/postgres:15");
        AgentConfig hashed = parse("agent: { image: \"registry:5000/pg:17-abc123\" }\n");
        assertThat(hashed.imageFor(17)).isEqualTo("registry:5000/pg:17-abc123");
        assertThat(hashed.imageFor(18)).isEqualTo("registry:5000/pg:18");
    }

    @Test
    void imagesPerMajorWin() {
        AgentConfig c = parse("""
                agent:
                  image: dolly/postgres:15
                  images: { 17: "other/pg17:latest", 18: "other/pg18" }
                templates:
                  up: { seed: x.sql, postgres: 17, image: mine/pg:17 }
                  plain: { seed: x.sql }
                """);
        assertThat(c.imageFor(15)).isEqualTo("dolly/postgres:15");
        assertThat(c.imageFor(17)).isEqualTo("other/pg17:latest");
        assertThat(c.imageFor(18)).isEqualTo("other/pg18");
        assertThat(c.imageFor("up", 17)).isEqualTo("mine/pg:17");
        assertThat(c.imageFor("plain", 18)).isEqualTo("other/pg18");
        assertThatThrownBy(() -> parse("agent: { images: { 11: x } }\n")).hasMessageContaining("agent.images.11")
                .hasMessageContaining("from 12 to 18");
    }

    @Test
    void templatesSayTheirMajorDefaultingToTheSourcesOr15() {
        AgentConfig c = parse("""
                templates:
                  seeded: { seed: x.sql }
                  seeded17: { seed: x.sql, postgres: 17 }
                  live: { source: { host: h, database: d, user: u } }
                  rehearsal:
                    source: { host: h, database: d, user: u }
                    postgres: 18
                    upgrade: { allowFailures: [public.legacy_view, "FUNCTION public.f()"] }
                """);
        assertThat(c.template("seeded").orElseThrow().major(null)).isEqualTo(15);
        assertThat(c.template("seeded").orElseThrow().major(17)).isEqualTo(15);
        assertThat(c.template("seeded17").orElseThrow().major(null)).isEqualTo(17);
        assertThat(c.template("live").orElseThrow().major(16)).isEqualTo(16);
        assertThat(c.template("live").orElseThrow().major(null)).isEqualTo(15);
        TemplateConfig r = c.template("rehearsal").orElseThrow();
        assertThat(r.major(15)).isEqualTo(18);
        assertThat(r.upgradeAllowFailures()).containsExactly("public.legacy_view", "FUNCTION public.f()");
        assertThat(c.template("live").orElseThrow().upgradeAllowFailures()).isEmpty();
        assertThatThrownBy(() -> parse("templates: { t: { seed: x.sql, postgres: 19 } }\n"))
                .hasMessageContaining("templates.t.postgres").hasMessageContaining("'19'");
        assertThatThrownBy(() -> parse("templates: { t: { seed: x.sql, upgrade: { allowFailure: [x] } } }\n"))
                .hasMessageContaining("unknown key 'allowFailure'");
        assertThat(AgentConfig.TESTED_MAJORS).isEqualTo(List.of(15, 17, 18));
    }
}
