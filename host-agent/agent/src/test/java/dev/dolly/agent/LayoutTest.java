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

    @Test
    void sparesAreNamedApartFromEveryCloneId() {
        Layout l = new Layout("dolly/it-3fa2");
        String key = Layout.spareKey("0a1b2c3d4e");
        assertThat(key).isEqualTo("spare.0a1b2c3d4e");
        assertThat(Names.isValidCloneId(key)).as("no clone id has a dot").isFalse();
        assertThat(Layout.isSpareKey(key)).isTrue();
        assertThat(Layout.isSpareKey("spare-1")).isFalse();
        assertThat(l.clone(key)).isEqualTo("dolly/it-3fa2/clones/spare.0a1b2c3d4e");
        assertThat(l.spareContainer(key)).isEqualTo("dolly.it-3fa2.spare.0a1b2c3d4e");
        assertThat(l.cloneIdOfContainer(l.spareContainer(key))).as("a spare's container is no clone's").isNull();
        assertThat(l.cloneIdOfContainer(l.cloneContainer("c1"))).isEqualTo("c1");
        assertThat(l.cloneIdOfContainer("dolly.other.clone.c1")).isNull();
        assertThat(Layout.createdOf(l.clone(key))).isEqualTo("dolly/it-3fa2/clones/spare.0a1b2c3d4e@created");
        assertThat(Layout.savepointOf(l.clone("c1"), "x")).isEqualTo(l.savepointSnapshot("c1", "x"));
    }
}
