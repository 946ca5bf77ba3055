package dev.dolly.functions.auth;

import java.util.Locale;

/** Roles, each including the ones before it. */
public enum Role {
    /** sees templates, snapshots, status and the clones of granted templates */
    VIEWER,
    /** also creates clones on granted templates and manages its own, within quota */
    DEVELOPER,
    /** also refreshes, protects, and manages any clone of granted templates */
    ADMIN;

    public boolean atLeast(Role other) { return compareTo(other) >= 0; }

    public String label() { return name().toLowerCase(Locale.ROOT); }

    public static Role parse(String s) {
        try {
            return Role.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown role '" + s + "' (viewer, developer, admin)");
        }
    }
}
