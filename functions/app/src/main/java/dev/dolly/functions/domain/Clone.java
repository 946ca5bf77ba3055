package dev.dolly.functions.domain;

import dev.dolly.control.api.CloneState;
import java.time.Instant;

/**
 * A clone as the control plane records it. {@code hostName} is the host agent it lives on,
 * {@code connectHost} the name clients connect to; {@code ghost} marks a clone recorded here but missing
 * on its host; {@code postgres} its PostgreSQL major (null: not known); {@code warnedFor} the expiry its owner was last warned about; {@code version} the stored
 * item's version (null before the first write).
 */
public record Clone(String id, CloneState state, String template, String snapshot, Instant snapshotCreatedAt, String owner,
                    String hostName, String connectHost, int port, String database, String user, Instant createdAt,
                    Instant expiresAt, boolean protectedClone, Instant lastActivityAt, Instant stateSince, String failure,
                    boolean ghost, Instant warnedFor, String front, Long version, Integer postgres) {

    /** A new clone of {@code ownerKey}, nothing else known yet. */
    public static Builder builder(String id, String ownerKey) {
        return new Builder(id, ownerKey);
    }

    /** A copy to change: {@code clone.toBuilder().state(READY).stateSince(now).build()}. */
    public Builder toBuilder() {
        Builder b = new Builder(id, owner);
        b.state = state; b.template = template; b.snapshot = snapshot; b.snapshotCreatedAt = snapshotCreatedAt;
        b.hostName = hostName; b.connectHost = connectHost; b.port = port; b.database = database; b.user = user;
        b.createdAt = createdAt; b.expiresAt = expiresAt; b.protectedClone = protectedClone; b.lastActivityAt = lastActivityAt;
        b.stateSince = stateSince; b.failure = failure; b.ghost = ghost; b.warnedFor = warnedFor; b.front = front;
        b.version = version; b.postgres = postgres;
        return b;
    }

    /** Builds a {@link Clone}; id and owner never change. */
    public static final class Builder {
        private final String id;
        private final String owner;
        private CloneState state;
        private String template;
        private String snapshot;
        private Instant snapshotCreatedAt;
        private String hostName;
        private String connectHost;
        private int port;
        private String database;
        private String user;
        private Instant createdAt;
        private Instant expiresAt;
        private boolean protectedClone;
        private Instant lastActivityAt;
        private Instant stateSince;
        private String failure;
        private boolean ghost;
        private Instant warnedFor;
        private String front;
        private Long version;
        private Integer postgres;

        private Builder(String id, String owner) {
            this.id = id;
            this.owner = owner;
        }

        public String snapshot() { return snapshot; }

        public Builder state(CloneState v) { state = v; return this; }
        public Builder template(String v) { template = v; return this; }
        public Builder snapshot(String v) { snapshot = v; return this; }
        public Builder snapshotCreatedAt(Instant v) { snapshotCreatedAt = v; return this; }
        public Builder hostName(String v) { hostName = v; return this; }
        public Builder connectHost(String v) { connectHost = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder database(String v) { database = v; return this; }
        public Builder user(String v) { user = v; return this; }
        public Builder createdAt(Instant v) { createdAt = v; return this; }
        public Builder expiresAt(Instant v) { expiresAt = v; return this; }
        public Builder protectedClone(boolean v) { protectedClone = v; return this; }
        public Builder lastActivityAt(Instant v) { lastActivityAt = v; return this; }
        public Builder stateSince(Instant v) { stateSince = v; return this; }
        public Builder failure(String v) { failure = v; return this; }
        public Builder ghost(boolean v) { ghost = v; return this; }
        public Builder warnedFor(Instant v) { warnedFor = v; return this; }
        public Builder front(String v) { front = v; return this; }
        public Builder version(Long v) { version = v; return this; }
        public Builder postgres(Integer v) { postgres = v; return this; }

        public Clone build() {
            return new Clone(id, state, template, snapshot, snapshotCreatedAt, owner, hostName, connectHost, port, database, user,
                    createdAt, expiresAt, protectedClone, lastActivityAt, stateSince, failure, ghost, warnedFor, front, version, postgres);
        }
    }
}
