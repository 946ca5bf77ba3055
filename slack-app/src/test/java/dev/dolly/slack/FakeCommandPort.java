package dev.dolly.slack;

import dev.dolly.control.api.CloneInfo;
import dev.dolly.control.api.CloneState;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandPort;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.DollyException;
import dev.dolly.control.api.ErrorKind;
import dev.dolly.control.api.Front;
import dev.dolly.control.api.Principal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory stand-in for the control plane, honest enough for the Slack front's tests: it keeps clones with
 * owners, states, expiries and ports; enforces ownership and an admin group (like the real authorization, deny by
 * default); answers idempotent retries with the first result; and records every call so tests can assert on
 * exactly what the front asked for. {@link #slow} makes one verb take a while, like an agent operation.
 */
final class FakeCommandPort implements CommandPort {
    static final String ADMIN_GROUP = "S0ADMINS"; // by id, as grants match groups
    static final String TEMPLATE = "shop";
    static final String SNAPSHOT = "20260115-0300";

    record Call(Principal principal, Front front, Command command, String idempotencyKey) {}

    final List<Call> calls = new CopyOnWriteArrayList<>();
    final Map<String, CloneInfo> clones = new ConcurrentHashMap<>();
    final List<String> passwords = new CopyOnWriteArrayList<>();
    private final Map<String, CommandResult> firstResults = new ConcurrentHashMap<>();
    private final Map<String, List<CommandResult.SavepointInfo>> savepoints = new ConcurrentHashMap<>();
    private final Clock clock;
    private final AtomicInteger ports = new AtomicInteger(24000);
    private volatile String slowVerb;
    private volatile Duration slowFor = Duration.ZERO;
    private volatile RuntimeException failWith;

    FakeCommandPort(Clock clock) {
        this.clock = clock;
    }

    void slow(String verb, Duration d) {
        slowVerb = verb;
        slowFor = d;
    }

    void failNextWith(RuntimeException e) { failWith = e; }

    CloneInfo add(String id, String owner) {
        CloneInfo c = clone(id, owner, Duration.ofHours(8));
        clones.put(id, c);
        return c;
    }

    List<Command> commands() { return calls.stream().map(Call::command).toList(); }

    Call lastCall() { return calls.get(calls.size() - 1); }

    @Override
    public CommandResult execute(Principal principal, Front front, Command command, String idempotencyKey) {
        calls.add(new Call(principal, front, command, idempotencyKey));
        RuntimeException fail = failWith;
        if (fail != null) {
            failWith = null;
            throw fail;
        }
        if (idempotencyKey != null && firstResults.containsKey(idempotencyKey)) return firstResults.get(idempotencyKey);
        if (command.verb().equals(slowVerb)) sleep(slowFor);
        CommandResult result = run(principal, command);
        if (idempotencyKey != null) firstResults.put(idempotencyKey, result);
        return result;
    }

    private CommandResult run(Principal p, Command command) {
        Instant now = clock.instant();
        if (command instanceof Command.Create c) {
            if (!c.template().equals(TEMPLATE)) throw new DollyException(ErrorKind.NOT_FOUND, "There is no template `" + c.template() + "`.");
            CloneInfo existing = clones.get(c.cloneId());
            if (existing != null) {
                throw new DollyException(ErrorKind.CONFLICT, "The name `" + c.cloneId() + "` is taken" +
                        (existing.owner().equals(p.id()) ? " by one of your clones." : ". Pick another with --name."));
            }
            CloneInfo info = clone(c.cloneId(), p.id(), c.ttl() == null ? Duration.ofHours(8) : c.ttl());
            clones.put(info.id(), info);
            String password = "pw-" + Long.toHexString(Double.doubleToLongBits(Math.random())) + "&x";
            passwords.add(password);
            return new CommandResult.CloneResult(info, password, "Clone `" + info.id() + "` is ready.");
        }
        if (command instanceof Command.ListClones l) {
            if (l.all()) requireAdmin(p, "list all clones");
            List<CloneInfo> mine = new ArrayList<>(clones.values().stream()
                    .filter(c -> l.all() || c.owner().equals(p.id())).toList());
            mine.sort(Comparator.comparing(CloneInfo::id));
            return new CommandResult.CloneList(mine);
        }
        if (command instanceof Command.Show s) return new CommandResult.CloneResult(owned(p, s.cloneId(), false), null, null);
        if (command instanceof Command.Reset r) {
            CloneInfo c = owned(p, r.cloneId(), true);
            return new CommandResult.CloneResult(c, null, r.savepoint() == null ? "Clone `" + c.id() + "` is back to its creation state."
                    : "Clone `" + c.id() + "` is back at savepoint `" + r.savepoint() + "`.");
        }
        if (command instanceof Command.Savepoint s) {
            CloneInfo c = owned(p, s.cloneId(), true);
            CommandResult.SavepointInfo sp = new CommandResult.SavepointInfo(c.id(), s.name(), now);
            savepoints.computeIfAbsent(c.id(), k -> new CopyOnWriteArrayList<>()).add(sp);
            return new CommandResult.SavepointResult(sp, null);
        }
        if (command instanceof Command.Rollback r) {
            CloneInfo c = owned(p, r.cloneId(), true);
            boolean known = savepoints.getOrDefault(c.id(), List.of()).stream().anyMatch(sp -> sp.name().equals(r.savepoint()));
            if (!known) throw new DollyException(ErrorKind.NOT_FOUND, "`" + c.id() + "` has no savepoint `" + r.savepoint() + "`.");
            return new CommandResult.CloneResult(c, null, "Clone `" + c.id() + "` rolled back to `" + r.savepoint() + "`.");
        }
        if (command instanceof Command.Destroy d) {
            CloneInfo c = owned(p, d.cloneId(), true);
            clones.remove(c.id());
            return new CommandResult.Done("Clone `" + c.id() + "` is destroyed.");
        }
        if (command instanceof Command.Protect pr) {
            requireAdmin(p, "protect clones");
            CloneInfo c = owned(p, pr.cloneId(), false);
            CloneInfo changed = with(c, c.expiresAt(), pr.on());
            clones.put(c.id(), changed);
            return new CommandResult.CloneResult(changed, null, pr.on() ? "`" + c.id() + "` is protected." : "`" + c.id() + "` is no longer protected.");
        }
        if (command instanceof Command.Extend e) {
            CloneInfo c = owned(p, e.cloneId(), true);
            CloneInfo changed = with(c, c.expiresAt().plus(e.by()), c.protectedClone());
            clones.put(c.id(), changed);
            return new CommandResult.CloneResult(changed, null, "`" + c.id() + "` lives " + e.by().toHours() + " h longer.");
        }
        if (command instanceof Command.Password pw) {
            CloneInfo c = owned(p, pw.cloneId(), true);
            String password = "rotated-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
            passwords.add(password);
            return new CommandResult.CloneResult(c, password, "New password for `" + c.id() + "`.");
        }
        if (command instanceof Command.Snapshots s) {
            template(s.template());
            return new CommandResult.SnapshotList(s.template(), List.of(
                    new CommandResult.SnapshotInfo(s.template(), SNAPSHOT, now.minus(Duration.ofHours(7)), 1_250_000_000L, true,
                            (int) clones.values().stream().filter(c -> c.snapshot().equals(SNAPSHOT)).count()),
                    new CommandResult.SnapshotInfo(s.template(), "20260114-0300", now.minus(Duration.ofHours(31)), 1_240_000_000L, false, 0)));
        }
        if (command instanceof Command.Refresh r) {
            template(r.template());
            requireAdmin(p, "refresh templates");
            return new CommandResult.RefreshInfo(r.template(), "job-1", "running", "guard", 0, 0, 0, null, null, null);
        }
        if (command instanceof Command.Templates) {
            return new CommandResult.TemplateList(List.of(new CommandResult.TemplateInfo(TEMPLATE, "Demo shop", SNAPSHOT,
                    now.minus(Duration.ofHours(7)), "cron(0 3 * * ? *)", now.minus(Duration.ofHours(7).plusMinutes(5)), "READY",
                    now.plus(Duration.ofHours(17)))));
        }
        if (command instanceof Command.Status) {
            return new CommandResult.StatusInfo(List.of(new CommandResult.HostInfo("zfs-1", true, 6_000_000_000L, clones.size(),
                    now.minusSeconds(20))), clones.size(), List.of());
        }
        if (command instanceof Command.Check c) {
            template(c.template());
            if (c.migrations().isEmpty()) throw new DollyException(ErrorKind.BAD_REQUEST, "migrations: nothing to check.");
            return checkResult("shop", c.keep());
        }
        throw new IllegalArgumentException("unknown command " + command);
    }

    /** A finished check with a fail verdict: four findings, the worst three as the control plane picks them. */
    static CommandResult.CheckResult checkResult(String template, boolean kept) {
        List<CommandResult.CheckFinding> worst = List.of(
                new CommandResult.CheckFinding("require-concurrent-index-creation", "error", "V7.sql", 1, "orders", "ShareLock", 4300L,
                        4200L, 37, "CREATE INDEX without CONCURRENTLY blocks writes to orders while it builds.",
                        "CREATE INDEX CONCURRENTLY …"),
                new CommandResult.CheckFinding("statement-error", "error", "V8.sql", 1, "customers", null, null, null, null,
                        "could not create unique index: 12 rows in the way", null),
                new CommandResult.CheckFinding("require-lock-timeout", "warning", "V7.sql", 1, null, null, null, null, null,
                        "No lock_timeout <set>.", "SET lock_timeout = '2s';"));
        return new CommandResult.CheckResult("chk-0123456789ab", "files", "DONE", template, template + "-check-0123456789ab", "fail",
                700L, 5200L, 6400L, 4, worst, "{}", null, null, kept, null, "Check chk-0123456789ab: fail (4 finding(s)).");
    }

    private void template(String name) {
        if (!TEMPLATE.equals(name)) throw new DollyException(ErrorKind.NOT_FOUND, "There is no template `" + name + "`.");
    }

    private static boolean admin(Principal p) { return p.groups().contains(ADMIN_GROUP); }

    private static void requireAdmin(Principal p, String what) {
        if (!admin(p)) throw new DollyException(ErrorKind.FORBIDDEN, "Only admins may " + what + ": you need the admin role (grant it to you or to a group of yours).");
    }

    private CloneInfo owned(Principal p, String id, boolean change) {
        CloneInfo c = clones.get(id);
        if (c == null) throw new DollyException(ErrorKind.NOT_FOUND, "There is no clone `" + id + "`. `/dolly list` shows yours.");
        if (!c.owner().equals(p.id()) && !admin(p)) {
            throw new DollyException(ErrorKind.FORBIDDEN, "`" + id + "` belongs to someone else; only its owner or an admin may "
                    + (change ? "change" : "see") + " it.");
        }
        return c;
    }

    private CloneInfo clone(String id, String owner, Duration ttl) {
        Instant now = clock.instant();
        int port = ports.incrementAndGet();
        String user = id.replace('-', '_');
        return new CloneInfo(id, CloneState.READY, TEMPLATE, SNAPSHOT, now.minus(Duration.ofHours(7)), owner, "db1.dolly.internal", port,
                "shop", user, "postgresql://" + user + "@db1.dolly.internal:" + port + "/shop", now, now.plus(ttl), false, now);
    }

    private static CloneInfo with(CloneInfo c, Instant expiresAt, boolean protectedClone) {
        return new CloneInfo(c.id(), c.state(), c.template(), c.snapshot(), c.snapshotCreatedAt(), c.owner(), c.host(), c.port(),
                c.database(), c.user(), c.connectionString(), c.createdAt(), expiresAt, protectedClone, c.lastActivityAt());
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
