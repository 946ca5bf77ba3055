package dev.dolly.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * Synthesizes the stack for tests. Synthesis costs seconds (jsii starts node), so the standard
 * stack is synthesized once per test JVM and shared by every test class.
 */
final class Synth {
    static final Path TARGET = Path.of("target").toAbsolutePath();
    static final String ACCOUNT = "123456789012";
    static final String REGION = "eu-west-1";

    static final Path STANDARD_OUTDIR = TARGET.resolve("cdk-test").resolve("standard");
    private static Template standard;
    private static Map<String, Object> standardJson;

    private Synth() {}

    /** The standard stack's dolly.yaml (agent and control-plane sections, as an operator would write it). */
    static final Path HOST_CONFIG = Path.of("src/test/resources/host-config.yaml").toAbsolutePath();

    /** The context every test stack starts from: two templates, two CI keys, small test jars, a hostConfig. */
    static Map<String, Object> context() {
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("account", ACCOUNT);
        ctx.put("region", REGION);
        ctx.put("functionsJar", jar("functions").toString());
        ctx.put("agentJar", jar("agent").toString());
        Map<String, Object> templates = new LinkedHashMap<>();
        templates.put("shop", "cron(0 3 * * ? *)");
        templates.put("crm", "rate(6 hours)");
        ctx.put("templates", templates);
        ctx.put("ciKeys", List.of("ci", "nightly"));
        ctx.put("alarmEmail", "oncall@example.com");
        ctx.put("hostConfig", HOST_CONFIG.toString());
        return ctx;
    }

    /** The standard stack's template (synthesized on first use). */
    static synchronized Template standard() {
        if (standard == null) {
            App app = App.Builder.create().context(context()).outdir(outdir("standard").toString()).build();
            standard = Template.fromStack(DollyApp.stack(app));
        }
        return standard;
    }

    /** The standard template as JSON maps. */
    @SuppressWarnings("unchecked")
    static synchronized Map<String, Object> standardJson() {
        if (standardJson == null) {
            standardJson = (Map<String, Object>) standard().toJSON();
        }
        return standardJson;
    }

    /** A fresh directory under target/ for a cloud assembly. */
    static Path outdir(String name) {
        Path dir = TARGET.resolve("cdk-test").resolve(name);
        try {
            if (Files.exists(dir)) {
                try (var paths = Files.walk(dir)) {
                    List<Path> all = new ArrayList<>(paths.toList());
                    java.util.Collections.reverse(all);
                    for (Path p : all) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** A small, valid jar under target/test-jars (CDK assertions test the template, not the code). */
    static Path jar(String name) {
        Path jar = TARGET.resolve("test-jars").resolve(name + ".jar");
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        try {
            Files.createDirectories(jar.getParent());
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out, manifest)) {
                JarEntry entry = new JarEntry("dolly-test/" + name + ".txt");
                entry.setTime(0);
                jos.putNextEntry(entry);
                jos.write(("stand-in for the " + name + " jar\n").getBytes(StandardCharsets.UTF_8));
                jos.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    // ---------------------------------------------------------------- JSON helpers

    @SuppressWarnings("unchecked")
    static Map<String, Object> resources(Map<String, Object> template) {
        return (Map<String, Object>) template.get("Resources");
    }

    /** Logical id → resource, of one type. */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> ofType(Map<String, Object> template, String type) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        resources(template).forEach((id, r) -> {
            Map<String, Object> res = (Map<String, Object>) r;
            if (type.equals(res.get("Type"))) {
                out.put(id, res);
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> props(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("Properties");
    }

    /** The logical id of the only resource of {@code type} whose logical id starts with {@code prefix}. */
    static String logicalId(Map<String, Object> template, String type, String prefix) {
        List<String> ids = ofType(template, type).keySet().stream().filter(id -> id.startsWith(prefix)).toList();
        if (ids.size() != 1) {
            throw new AssertionError("expected one " + type + " starting with " + prefix + ", found " + ids);
        }
        return ids.get(0);
    }
}
