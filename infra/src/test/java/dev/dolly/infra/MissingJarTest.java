package dev.dolly.infra;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;

/** A jar another module builds is missing: synthesis stops and says which module to build. */
class MissingJarTest {

    private static void synth(String key, String path) {
        Map<String, Object> ctx = Synth.context();
        ctx.put(key, path);
        App app = App.Builder.create().context(ctx).outdir(Synth.outdir("missing-" + key).toString()).build();
        DollyApp.stack(app);
    }

    @Test
    void missingFunctionsJarNamesTheFunctionsModule() {
        assertThatThrownBy(() -> synth("functionsJar", "target/no-such/dolly-functions-aws.jar"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("The functions' AWS jar is missing")
                .hasMessageContaining("no-such/dolly-functions-aws.jar")
                .hasMessageContaining("mvn -pl functions/app -am package")
                .hasMessageContaining("'functionsJar'");
    }

    @Test
    void missingAgentJarNamesTheHostAgentModule() {
        assertThatThrownBy(() -> synth("agentJar", "target/no-such/dolly-host-agent.jar"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("The host agent jar is missing")
                .hasMessageContaining("mvn -pl host-agent/agent -am package")
                .hasMessageContaining("'agentJar'");
    }

    @Test
    void defaultLocationsAreTheModulesTargetDirectories() {
        // the defaults resolve against infra/ (where synth.sh, the CDK CLI and the tests run)
        Map<String, Object> ctx = Synth.context();
        ctx.remove("functionsJar");
        ctx.put("functionsJar", DollyConfig.DEFAULT_FUNCTIONS_JAR.replace("dolly-functions-aws.jar", "absent.jar"));
        App app = App.Builder.create().context(ctx).outdir(Synth.outdir("missing-default").toString()).build();
        assertThatThrownBy(() -> DollyApp.stack(app))
                .hasMessageContaining("functions/app/target/absent.jar");
    }
}
