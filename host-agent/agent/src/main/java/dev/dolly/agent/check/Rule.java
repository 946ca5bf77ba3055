package dev.dolly.agent.check;

/**
 * The static rules (squawk's names), each with its severity, the lock it concerns and the safe rewrite. A rule whose
 * severity is {@code error} makes the verdict at least {@code warn}.
 */
public enum Rule {
    REQUIRE_CONCURRENT_INDEX_CREATION("require-concurrent-index-creation", "error", Locks.SHARE,
            "CREATE INDEX blocks every write to the table (ShareLock) until the index is built",
            "CREATE INDEX CONCURRENTLY, in a file of its own (it cannot run in a transaction)"),
    REQUIRE_CONCURRENT_INDEX_DELETION("require-concurrent-index-deletion", "error", Locks.ACCESS_EXCLUSIVE,
            "DROP INDEX blocks reads and writes of the table (AccessExclusiveLock) while it waits and runs",
            "DROP INDEX CONCURRENTLY, in a file of its own"),
    BAN_CONCURRENT_INDEX_CREATION_IN_TRANSACTION("ban-concurrent-index-creation-in-transaction", "error", Locks.SHARE_UPDATE_EXCLUSIVE,
            "CREATE INDEX CONCURRENTLY cannot run inside a transaction block: the migration fails",
            "move CREATE INDEX CONCURRENTLY out of BEGIN … COMMIT, into a file of its own"),
    CONSTRAINT_MISSING_NOT_VALID("constraint-missing-not-valid", "error", Locks.ACCESS_EXCLUSIVE,
            "adding a constraint checks every row while holding the table's lock",
            "ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a later transaction (ShareUpdateExclusiveLock only)"),
    ADDING_FOREIGN_KEY_CONSTRAINT("adding-foreign-key-constraint", "error", Locks.SHARE_ROW_EXCLUSIVE,
            "a foreign key blocks writes to both tables (ShareRowExclusiveLock) while every row is checked",
            "ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a later transaction"),
    ADDING_FIELD_WITH_DEFAULT("adding-field-with-default", "error", Locks.ACCESS_EXCLUSIVE,
            "a column with a volatile default (or a stored generated column) rewrites the whole table under AccessExclusiveLock",
            "add the column without a default, set the default with ALTER COLUMN … SET DEFAULT, backfill in batches"),
    ADDING_NOT_NULLABLE_FIELD("adding-not-nullable-field", "error", Locks.ACCESS_EXCLUSIVE,
            "SET NOT NULL scans the whole table under AccessExclusiveLock",
            "ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT; then SET NOT NULL (no scan) and drop the check"),
    ADDING_REQUIRED_FIELD("adding-required-field", "error", Locks.ACCESS_EXCLUSIVE,
            "a NOT NULL column without a default fails on a table that has rows",
            "add the column nullable (or with a constant default), backfill, then make it NOT NULL through a validated CHECK"),
    CHANGING_COLUMN_TYPE("changing-column-type", "error", Locks.ACCESS_EXCLUSIVE,
            "changing a column's type usually rewrites the table and its indexes under AccessExclusiveLock",
            "add a new column, backfill it in batches, switch the application, drop the old one (widening varchar(n) or to text does not rewrite)"),
    DISALLOWED_UNIQUE_CONSTRAINT("disallowed-unique-constraint", "error", Locks.ACCESS_EXCLUSIVE,
            "ADD UNIQUE builds its index while blocking reads and writes",
            "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX"),
    ADDING_SERIAL_PRIMARY_KEY_FIELD("adding-serial-primary-key-field", "error", Locks.ACCESS_EXCLUSIVE,
            "adding a primary key builds its index (and a serial column rewrites the table) under AccessExclusiveLock",
            "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … PRIMARY KEY USING INDEX"),
    BAN_DROP_COLUMN("ban-drop-column", "warning", Locks.ACCESS_EXCLUSIVE,
            "dropping a column breaks every running version of the application that still reads it",
            "stop using the column in the application first, deploy, then drop it"),
    BAN_DROP_TABLE("ban-drop-table", "warning", Locks.ACCESS_EXCLUSIVE,
            "dropping a table breaks every running version of the application that still uses it",
            "stop using the table first, deploy, then drop it (or rename it away and drop it later)"),
    RENAMING_COLUMN("renaming-column", "warning", Locks.ACCESS_EXCLUSIVE,
            "renaming a column breaks every running version of the application that uses the old name",
            "add the new column, write both, backfill, switch reads, then drop the old column"),
    RENAMING_TABLE("renaming-table", "warning", Locks.ACCESS_EXCLUSIVE,
            "renaming a table breaks every running version of the application that uses the old name",
            "create a view with the old name during the switch, or copy through a new table"),
    REQUIRE_LOCK_TIMEOUT("require-lock-timeout", "warning", Locks.ACCESS_EXCLUSIVE,
            "a strong lock without lock_timeout waits behind any long transaction, and every query queues behind it",
            "SET lock_timeout = '2s' (or SET LOCAL in the transaction) before the statement, and retry on failure"),
    STATEMENTS_AFTER_ACCESS_EXCLUSIVE("statements-after-access-exclusive", "warning", Locks.ACCESS_EXCLUSIVE,
            "the AccessExclusiveLock taken earlier in this transaction is held while this statement runs",
            "commit right after the statement that takes the AccessExclusiveLock; run the rest in another transaction"),
    PREFER_ROBUST_STMTS("prefer-robust-stmts", "warning", null,
            "this file runs outside a transaction: if it fails half-way, running it again fails on this statement",
            "use IF NOT EXISTS / IF EXISTS so the file can be run again"),
    NON_CONCURRENT_REFRESH_MATERIALIZED_VIEW("non-concurrent-refresh-materialized-view", "error", Locks.ACCESS_EXCLUSIVE,
            "REFRESH MATERIALIZED VIEW blocks every read of the view while it runs",
            "REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view)"),
    VACUUM_FULL_OR_CLUSTER("vacuum-full-or-cluster", "error", Locks.ACCESS_EXCLUSIVE,
            "VACUUM FULL and CLUSTER rewrite the table under AccessExclusiveLock",
            "pg_repack or pg_squeeze, or plain VACUUM");

    private final String id;
    private final String severity;
    private final String lock;
    private final String message;
    private final String fix;

    Rule(String id, String severity, String lock, String message, String fix) {
        this.id = id;
        this.severity = severity;
        this.lock = lock;
        this.message = message;
        this.fix = fix;
    }

    public String id() { return id; }

    public String severity() { return severity; }

    public String lock() { return lock; }

    public String message() { return message; }

    public String fix() { return fix; }

    /** The lock mode names PostgreSQL uses in pg_locks. */
    public static final class Locks {
        public static final String ACCESS_SHARE = "AccessShareLock";
        public static final String ROW_EXCLUSIVE = "RowExclusiveLock";
        public static final String SHARE_UPDATE_EXCLUSIVE = "ShareUpdateExclusiveLock";
        public static final String SHARE = "ShareLock";
        public static final String SHARE_ROW_EXCLUSIVE = "ShareRowExclusiveLock";
        public static final String EXCLUSIVE = "ExclusiveLock";
        public static final String ACCESS_EXCLUSIVE = "AccessExclusiveLock";

        private Locks() {}

        /** Modes that block the application's writes (and the strongest, its reads). */
        public static boolean dangerous(String mode) {
            return SHARE.equals(mode) || SHARE_ROW_EXCLUSIVE.equals(mode) || EXCLUSIVE.equals(mode) || ACCESS_EXCLUSIVE.equals(mode);
        }
    }
}
