package dev.dolly.functions.service;

import dev.dolly.agent.api.CheckRequest;
import dev.dolly.control.api.Principal;
import dev.dolly.functions.Harness;

/** Test access to the settings a check would send (package-private in the service). */
public final class MigrationChecksAccess {
    private MigrationChecksAccess() {}

    public static CheckRequest.Thresholds thresholds(Harness h, String template) {
        return MigrationChecks.thresholds(h.service.checks().settings(Principal.ciKey("ci-dev"), template));
    }
}
