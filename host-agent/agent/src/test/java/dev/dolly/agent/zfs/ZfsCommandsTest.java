package dev.dolly.agent.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exact zfs argv of every operation (the zfs-fuse 0.7 ∩ OpenZFS 2.x subset). */
class ZfsCommandsTest {
    private final ZfsCommands z = new ZfsCommands();

    @Test
    void createWithPropertiesAndParents() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("dolly:state", "building");
        props.put("dolly:template", "shop");
        assertThat(z.create("dolly/templates/shop/b1", props)).containsExactly(
                "zfs", "create", "-p", "-o", "dolly:state=building", "-o", "dolly:template=shop", "dolly/templates/shop/b1");
        assertThat(z.create("dolly/clones", Map.of())).containsExactly("zfs", "create", "-p", "dolly/clones");
    }

    @Test
    void cloneCarriesAllMetadataAtomically() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("dolly:state", "creating");
        props.put("dolly:port", "6001");
        props.put("refquota", "1073741824");
        assertThat(z.clone("dolly/templates/shop/b1@ready", "dolly/clones/c1", props)).containsExactly(
                "zfs", "clone", "-o", "dolly:state=creating", "-o", "dolly:port=6001", "-o", "refquota=1073741824",
                "dolly/templates/shop/b1@ready", "dolly/clones/c1");
    }

    @Test
    void snapshotRollbackDestroy() {
        assertThat(z.snapshot("dolly/clones/c1@created")).containsExactly("zfs", "snapshot", "dolly/clones/c1@created");
        assertThat(z.rollback("dolly/clones/c1@sp-one")).containsExactly("zfs", "rollback", "-r", "dolly/clones/c1@sp-one");
        assertThat(z.destroyRecursive("dolly/clones/c1")).containsExactly("zfs", "destroy", "-r", "dolly/clones/c1");
        assertThat(z.destroy("dolly/clones/c1@sp-one")).containsExactly("zfs", "destroy", "dolly/clones/c1@sp-one");
    }

    @Test
    void setIsOnePropertyPerCallAndInheritRemovesOne() {
        assertThat(z.set("dolly/clones/c1", "dolly:state", "ready")).containsExactly("zfs", "set", "dolly:state=ready", "dolly/clones/c1");
        assertThat(z.inherit("dolly/clones/c1", "dolly:expires")).containsExactly("zfs", "inherit", "dolly:expires", "dolly/clones/c1");
    }

    @Test
    void getIsParseableWithSourceAndNoTypeFilter() {
        assertThat(z.get("dolly/clones", true, List.of("used", "origin", "dolly:port"))).containsExactly(
                "zfs", "get", "-Hp", "-r", "-o", "name,property,value,source", "used,origin,dolly:port", "dolly/clones");
        assertThat(z.get("dolly", false, List.of("available"))).containsExactly(
                "zfs", "get", "-Hp", "-o", "name,property,value,source", "available", "dolly");
    }

    @Test
    void anotherBinary() {
        assertThat(new ZfsCommands("/sbin/zfs").snapshot("p/d@s")).containsExactly("/sbin/zfs", "snapshot", "p/d@s");
    }
}
