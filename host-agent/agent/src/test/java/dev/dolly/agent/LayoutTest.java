package dev.dolly.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LayoutTest {
    @Test
    void datasetsSnapshotsAndContainerNames() {
        Layout l = new Layout("dolly/it-3fa2");
        assertThat(l.template("shop")).isEqualTo("dolly/it-3fa2/templates/shop");
        assertThat(l.build("shop", "b1")).isEqualTo("dolly/it-3fa2/templates/shop/b1");
        assertThat(l.readySnapshot("shop", "b1")).isEqualTo("dolly/it-3fa2/templates/shop/b1@ready");
        assertThat(l.clone("c1")).isEqualTo("dolly/it-3fa2/clones/c1");
        assertThat(l.createdSnapshot("c1")).isEqualTo("dolly/it-3fa2/clones/c1@created");
        assertThat(l.savepointSnapshot("c1", "before")).isEqualTo("dolly/it-3fa2/clones/c1@sp-before");
        assertThat(l.cloneContainer("c1")).isEqualTo("dolly.it-3fa2.clone.c1");
        assertThat(l.buildContainer("shop", "b1")).isEqualTo("dolly.it-3fa2.build.shop.b1");
        assertThat(l.labels("clone")).containsEntry("dolly.root", "dolly/it-3fa2").containsEntry("dolly.kind", "clone");
    }
}
