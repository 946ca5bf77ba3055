package dev.dolly.functions;

import dev.dolly.functions.config.DollyConfig;

/** Test access to package-private configuration helpers. */
public final class DollyConfigurationAccess {
    private DollyConfigurationAccess() {}

    public static DollyConfig withHosts(DollyConfig c, String hostsEnv) {
        return DollyConfiguration.withHostsFromEnvironment(c, hostsEnv);
    }
}
