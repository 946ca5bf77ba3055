package dev.dolly.agent.api;

/**
 * Reset a clone to its creation state ({@code savepoint} null) or to a named savepoint. Same id,
 * port and password; open sessions are cut. Savepoints taken after the target are removed (ZFS
 * rolls back only to the newest snapshot).
 */
public record ResetRequest(String savepoint) {}
