package dev.dolly.functions.service;

import dev.dolly.control.api.CloneInfo;
import dev.dolly.functions.domain.Clone;

/** Turns domain records into what fronts show. */
public final class Views {
    private Views() {}

    /** The owner as fronts show it: a Slack user's id ({@code U123}), else the stored key ({@code ci:build-bot}). */
    public static String ownerForDisplay(String ownerKey) {
        if (ownerKey == null) return null;
        return ownerKey.startsWith("slack:") ? ownerKey.substring("slack:".length()) : ownerKey;
    }

    public static String connectionString(Clone c) {
        if (c.port() <= 0 || c.connectHost() == null) return null;
        return "postgresql://" + c.user() + "@" + c.connectHost() + ":" + c.port() + "/" + c.database();
    }

    public static CloneInfo info(Clone c) {
        return new CloneInfo(c.id(), c.state(), c.template(), c.snapshot(), c.snapshotCreatedAt(),
                ownerForDisplay(c.owner()), c.connectHost(), c.port(), c.database(), c.user(), connectionString(c),
                c.createdAt(), c.expiresAt(), c.protectedClone(), c.lastActivityAt(), c.postgres());
    }
}
