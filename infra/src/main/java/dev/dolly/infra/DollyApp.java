package dev.dolly.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.App;

/**
 * The CDK app's entry point. Run by {@code infra/synth.sh} (offline, into infra/cdk.out) or by
 * the CDK CLI ({@code cdk synth|deploy} in infra/, see cdk.json). Context: see {@link DollyConfig}.
 */
public final class DollyApp {
    private DollyApp() {}

    public static void main(String[] args) {
        App app = new App();
        try {
            stack(app);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // a bad context value or a missing jar: the message says what to do
            System.err.println("dolly synth: " + e.getMessage());
            System.exit(1);
        }
        app.synth();
    }

    /** Reads the configuration from {@code app}'s context and adds the Dolly stack to it. */
    public static DollyStack stack(App app) {
        List<String> keys = new ArrayList<>();
        if (app.getNode().getAllContext() instanceof Map<?, ?> all) {
            all.keySet().forEach(k -> keys.add(String.valueOf(k)));
        }
        DollyConfig config = DollyConfig.from(app.getNode()::tryGetContext, keys);
        DollyStack stack = new DollyStack(app, config);
        for (String key : DollyConfig.unknownKeys(keys)) {
            Annotations.of(stack).addWarningV2("dolly:unknownContextKey",
                    "context key '" + key + "' is not a Dolly parameter and is ignored (see infra/README.md)");
        }
        return stack;
    }
}
