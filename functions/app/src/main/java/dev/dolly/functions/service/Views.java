package dev.dolly.functions.service;

import dev.dolly.control.api.CloneInfo;
import dev.dolly.functions.store.CloneItem;

/** Turns stored items into what fronts show. */
public final class Views {
    private Views() {}

    /** The owner as fronts show it: a Slack user's id ({@code U123}), else the stored key ({@code ci:build-bot}). */
    public static String ownerForDisplay(String ownerKey) {
        if (ownerKey == null) return null;
        return ownerKey.startsWith("slack:") ? ownerKey.substring("slack:".length()) : ownerKey;
    }

    public static String connectionString(CloneItem c) {
        if (c.getPort() <= 0 || c.getConnectHost() == null) return null;
        return "postgresql://" + c.getUser() + "@" + c.getConnectHost() + ":" + c.getPort() + "/" + c.getDatabase();
    }

    public static CloneInfo info(CloneItem c) {
        return new CloneInfo(c.getId(), c.getState(), c.getTemplate(), c.getSnapshot(), c.getSnapshotCreatedAt(),
                ownerForDisplay(c.getOwner()), c.getConnectHost(), c.getPort(), c.getDatabase(), c.getUser(), connectionString(c),
                c.getCreatedAt(), c.getExpiresAt(), c.isProtectedClone(), c.getLastActivityAt(), c.getPostgres());
    }
}
