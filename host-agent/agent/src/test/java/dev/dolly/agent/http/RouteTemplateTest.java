package dev.dolly.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteTemplateTest {
    @Test
    void idsBecomePlaceholdersAndUnknownPathsOneValue() {
        assertThat(RouteTemplate.of("/metrics")).isEqualTo("/metrics");
        assertThat(RouteTemplate.of("/v1/health")).isEqualTo("/v1/health");
        assertThat(RouteTemplate.of("/v1/templates")).isEqualTo("/v1/templates");
        assertThat(RouteTemplate.of("/v1/templates/shop/refresh")).isEqualTo("/v1/templates/{template}/refresh");
        assertThat(RouteTemplate.of("/v1/jobs/r12ab34cd")).isEqualTo("/v1/jobs/{job}");
        assertThat(RouteTemplate.of("/v1/clones")).isEqualTo("/v1/clones");
        assertThat(RouteTemplate.of("/v1/clones/pr-1")).isEqualTo("/v1/clones/{clone}");
        assertThat(RouteTemplate.of("/v1/clones/pr-1/reset")).isEqualTo("/v1/clones/{clone}/reset");
        assertThat(RouteTemplate.of("/v1/clones/pr-1/savepoints/before")).isEqualTo("/v1/clones/{clone}/savepoints/{savepoint}");
        assertThat(RouteTemplate.of("/v1/checks/c1/finish")).isEqualTo("/v1/checks/{check}/finish");
        assertThat(RouteTemplate.of("/v1/clones/pr-1/%22evil%0A")).isEqualTo(RouteTemplate.UNKNOWN);
        assertThat(RouteTemplate.of("/wp-admin/x")).isEqualTo(RouteTemplate.UNKNOWN);
        assertThat(RouteTemplate.of("/v1/whatever")).isEqualTo(RouteTemplate.UNKNOWN);
    }
}
