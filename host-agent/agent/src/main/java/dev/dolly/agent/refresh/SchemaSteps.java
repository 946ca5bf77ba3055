package dev.dolly.agent.refresh;

import dev.dolly.agent.api.RequestIds;
import dev.dolly.agent.process.ProcessFailedException;
import dev.dolly.agent.process.ProcessRunner;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schema work of a refresh: roles, pre-data and post-data from pg_dump/pg_dumpall (run through
 * the agent's {@link ProcessRunner}, output kept in memory — schema only, no rows), post-data in
 * parallel waves, sequences and ANALYZE.
 */
final class SchemaSteps {
    private static final Logger log = LoggerFactory.getLogger(SchemaSteps.class);

    private final ProcessRunner runner;
    private final SourceConfig source;
    private final Function<String, String> env;
    private final RefreshOptions opts;
    /** The major of pg_dump (null: unknown, host tools). */
    private final Integer toolMajor;
    /** An upgrade rehearsal collects objects that fail to restore here; null: the first failure fails the refresh. */
    private final RestoreFailures failures;
    /** Post-data and ANALYZE steps that took a second or more: label → seconds (for the job result). */
    final Map<String, Double> slowSteps = new ConcurrentHashMap<>();

    SchemaSteps(ProcessRunner runner, SourceConfig source, Function<String, String> env, RefreshOptions opts) {
        this(runner, source, env, opts, null, null);
    }

    SchemaSteps(ProcessRunner runner, SourceConfig source, Function<String, String> env, RefreshOptions opts, Integer toolMajor,
                RestoreFailures failures) {
        this.runner = runner;
        this.source = source;
        this.env = env;
        this.opts = opts;
        this.toolMajor = toolMajor;
        this.failures = failures;
    }

    // ------------------------------------------------------------------ dumps

    /** {@code pg_dump --section=<section>} of the source inside {@code snapshot}, as text. */
    String dump(String section, String snapshot, String phase) {
        List<String> argv = new ArrayList<>(List.of(opts.tool("pg_dump"), "--section=" + section, "--snapshot=" + snapshot,
                "--no-password", "--no-publications", "--no-subscriptions", "--no-tablespaces", "--no-sync"));
        if (!opts.roles()) {
            argv.add("--no-owner");
            argv.add("--no-privileges");
        }
        if (opts.largeObjects() != RefreshOptions.LargeObjects.COPY) {
            argv.add("--no-blobs");
        }
        if (toolMajor != null && toolMajor >= 18) {
            argv.add("--no-statistics");   // 18's pg_dump can carry planner statistics; the build runs ANALYZE itself
        }
        for (String s : opts.schemas()) {
            argv.add("--schema=" + SqlScript.ident(s));
        }
        for (String s : opts.excludeSchemas()) {
            argv.add("--exclude-schema=" + SqlScript.ident(s));
        }
        for (String t : opts.excludeTables()) {
            String q = t.contains(".") ? SqlScript.qualified(t.substring(0, t.indexOf('.')), t.substring(t.indexOf('.') + 1))
                    : SqlScript.qualified("public", t);
            argv.add("--exclude-table=" + q);
        }
        return run(argv, phase, "pg_dump --section=" + section);
    }

    /** {@code pg_dumpall --roles-only --no-role-passwords}: role definitions, never passwords. */
    String dumpRoles() {
        List<String> argv = List.of(opts.tool("pg_dumpall"), "--roles-only", "--no-role-passwords", "--no-password",
                "--database=" + source.database());
        return run(argv, "pre-data", "pg_dumpall --roles-only");
    }

    private String run(List<String> argv, String phase, String what) {
        try {
            return runner.run(new ProcessRunner.Invocation(argv, source.libpqEnv(env), null, Duration.ofHours(2))).stdout();
        } catch (ProcessFailedException e) {
            throw RefreshException.failed(phase, null, what + " failed (exit " + e.exitCode() + "): " + lastLines(e.stderr(), 6), e);
        }
    }

    static String lastLines(String s, int n) {
        if (s == null) {
            return "";
        }
        String[] l = s.strip().split("\n");
        return String.join(" | ", java.util.Arrays.asList(l).subList(Math.max(0, l.length - n), l.length));
    }

    // ------------------------------------------------------------------ roles

    /** Create the source's roles (without passwords) on the build server; returns warnings. */
    List<String> roles(Connection dst, String rolesDump) throws SQLException {
        Set<String> existing = new HashSet<>();
        try (Statement st = dst.createStatement(); ResultSet rs = st.executeQuery("SELECT rolname FROM pg_catalog.pg_roles")) {
            while (rs.next()) {
                existing.add(rs.getString(1));
            }
        }
        List<String> stmts = RolesScript.filter(rolesDump, existing, opts.stripManagedOptions());
        List<String> warnings = new ArrayList<>();
        dst.setAutoCommit(true);
        for (String s : stmts) {
            try (Statement st = dst.createStatement()) {
                st.execute(s);
            } catch (SQLException e) {
                if (s.regionMatches(true, 0, "CREATE ROLE", 0, 11)) {
                    throw RefreshException.failed("pre-data", null, "creating a role failed: " + e.getMessage(), e);
                }
                warnings.add("role statement skipped (" + e.getMessage() + ")");
            }
        }
        return warnings;
    }

    // ------------------------------------------------------------------ extensions and pre-data

    /** Every extension the source uses must be installable on the build server (same image as clones). */
    static void checkExtensions(Connection dst, List<String> sourceExtensions, String image) throws SQLException {
        Set<String> available = new HashSet<>();
        try (Statement st = dst.createStatement(); ResultSet rs = st.executeQuery("SELECT name FROM pg_catalog.pg_available_extensions")) {
            while (rs.next()) {
                available.add(rs.getString(1));
            }
        }
        List<String> missing = sourceExtensions.stream().filter(e -> !available.contains(e)).toList();
        if (!missing.isEmpty()) {
            throw RefreshException.failed("pre-data", null, "the source uses extension" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + " which the clone image " + image + " does not provide; add "
                    + (missing.size() > 1 ? "them" : "it") + " to the image, or leave out the schemas that need "
                    + (missing.size() > 1 ? "them" : "it") + " (refresh.excludeSchemas)", null);
        }
    }

    /**
     * Run pre-data entries in order on one session; the error names the object. User mappings are
     * left out (their options hold credentials for other servers, and a clone must not reach
     * production through them); returns warnings about what was left out.
     */
    List<String> preData(Connection dst, String dump, JobProgress progress) throws SQLException {
        dst.setAutoCommit(true);
        List<String> warnings = new ArrayList<>();
        Set<String> foreignOptions = new java.util.TreeSet<>();
        int foreignColumns = 0;
        for (SqlScript.Entry e : SqlScript.entries(dump)) {
            progress.checkCancelled();
            if (e.type().equals("USER MAPPING")) {
                warnings.add("user mapping " + e.name() + " left out (it may hold credentials for another server)");
                continue;
            }
            AttributeOptions.Filtered sql = AttributeOptions.filter(e.sql());
            sql.left().forEach(foreignOptions::add);
            foreignColumns += sql.statements();
            try (Statement st = dst.createStatement()) {
                st.execute(sql.sql());
            } catch (SQLException ex) {
                if (failures == null) {
                    throw RefreshException.failed("pre-data", null, e.label() + ": " + ex.getMessage(), ex);
                }
                failures.add(e, ex);
            }
        }
        if (foreignColumns > 0) {
            warnings.add("column option" + (foreignOptions.size() > 1 ? "s " : " ") + String.join(", ", foreignOptions)
                    + " left out on " + foreignColumns + " column" + (foreignColumns > 1 ? "s" : "")
                    + ": not PostgreSQL's own (the source's build keeps it in pg_attribute.attoptions) and refused by the target");
        }
        return warnings;
    }

    // ------------------------------------------------------------------ post-data

    private static final Set<String> WAVE1 = Set.of("INDEX", "CONSTRAINT");
    private static final Set<String> WAVE2 = Set.of("INDEX ATTACH", "FK CONSTRAINT");
    private static final Pattern ON_TABLE = Pattern.compile("(?:\\bON\\s+(?:ONLY\\s+)?|^ALTER\\s+TABLE\\s+(?:ONLY\\s+)?)([^\\s(]+)",
            Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);

    /**
     * Post-data in three waves: indexes and primary/unique/check constraints in parallel; then
     * index attachments and foreign keys in parallel (a deadlock between two FK builds is retried);
     * then everything else (triggers, rules, policies, comments, materialized view refreshes) in
     * dump order on one session.
     */
    void postData(RefreshPipeline.Target target, String dump, int workers, JobProgress progress, Map<String, Long> tableBytes)
            throws Exception {
        List<SqlScript.Entry> entries = SqlScript.entries(dump);
        String preamble = entries.stream().filter(e -> e.type().equals("PREAMBLE")).map(SqlScript.Entry::sql)
                .findFirst().orElse("");
        List<SqlScript.Entry> w1 = new ArrayList<>();
        List<SqlScript.Entry> w2 = new ArrayList<>();
        List<SqlScript.Entry> w3 = new ArrayList<>();
        for (SqlScript.Entry e : entries) {
            if (e.type().equals("PREAMBLE")) {
                continue;
            }
            (WAVE1.contains(e.type()) ? w1 : WAVE2.contains(e.type()) ? w2 : w3).add(e);
        }
        Comparator<SqlScript.Entry> bigFirst = Comparator.comparingLong((SqlScript.Entry e) -> size(e, tableBytes)).reversed();
        w1.sort(bigFirst);
        w2.sort(bigFirst);
        parallel(target, preamble, w1, workers, progress);
        parallel(target, preamble, w2, workers, progress);
        if (!w3.isEmpty()) {
            try (Connection c = target.connect()) {
                RefreshPipeline.targetSession(c);
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    st.execute(preamble);
                }
                for (SqlScript.Entry e : w3) {
                    progress.checkCancelled();
                    execute(c, e);
                }
            }
        }
    }

    private static long size(SqlScript.Entry e, Map<String, Long> tableBytes) {
        return tableBytes.getOrDefault(tableOf(e), 0L);
    }

    /** The table an index, constraint or ANALYZE entry works on ("" when unknown). */
    static String tableOf(SqlScript.Entry e) {
        if (e.type().equals("ANALYZE")) {
            return e.schema() + "." + e.name();
        }
        Matcher m = ON_TABLE.matcher(e.sql());
        return m.find() ? m.group(1).replace("\"", "") : "";
    }

    /**
     * Hands out entries in order, but prefers one whose table no other session is working on:
     * two index builds on one table each scan the whole table, and together they are much slower
     * than one after the other while another table's build runs alongside.
     */
    static final class Scheduler {
        private final List<SqlScript.Entry> todo;
        private final Map<String, Integer> busy = new HashMap<>();

        Scheduler(List<SqlScript.Entry> entries) {
            this.todo = new java.util.LinkedList<>(entries);
        }

        synchronized SqlScript.Entry next(SqlScript.Entry finished) {
            if (finished != null) {
                busy.computeIfPresent(tableOf(finished), (k, v) -> v > 1 ? v - 1 : null);
            }
            if (todo.isEmpty()) {
                return null;
            }
            SqlScript.Entry pick = null;
            for (SqlScript.Entry e : todo) {
                String t = tableOf(e);
                if (t.isEmpty() || !busy.containsKey(t)) {
                    pick = e;
                    break;
                }
            }
            if (pick == null) {
                pick = todo.get(0);
            }
            todo.remove(pick);
            busy.merge(tableOf(pick), 1, Integer::sum);
            return pick;
        }
    }

    private void parallel(RefreshPipeline.Target target, String preamble, List<SqlScript.Entry> entries, int workers,
                          JobProgress progress) throws Exception {
        if (entries.isEmpty()) {
            return;
        }
        Scheduler queue = new Scheduler(entries);
        AtomicReference<Exception> failure = new AtomicReference<>();
        Set<Connection> open = ConcurrentHashMap.newKeySet();
        int n = Math.max(1, Math.min(workers, entries.size()));
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "refresh-post-data");
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(pool.submit(RequestIds.carry(() -> {
                try (Connection c = target.connect()) {
                    open.add(c);
                    RefreshPipeline.targetSession(c);
                    c.setAutoCommit(true);
                    try (Statement st = c.createStatement()) {
                        // one index build per session, each with all of maintenance_work_mem (no sort spills to
                        // disk); the sessions already run builds side by side
                        st.execute("SET max_parallel_maintenance_workers = 0");
                        st.execute(preamble);
                    }
                    SqlScript.Entry e = null;
                    while (failure.get() == null && !progress.isCancelled() && (e = queue.next(e)) != null) {
                        execute(c, e);
                    }
                } catch (Exception ex) {
                    failure.compareAndSet(null, ex);
                }
                return null;
            })));
        }
        pool.shutdown();
        try {
            while (!pool.awaitTermination(200, TimeUnit.MILLISECONDS)) {
                if (progress.isCancelled() || failure.get() != null) {
                    for (Connection c : open) {
                        try {
                            c.abort(Runnable::run);
                        } catch (SQLException ignored) {
                            // best effort
                        }
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        progress.checkCancelled();
        Exception f = failure.get();
        if (f != null) {
            throw f;
        }
    }

    private void execute(Connection c, SqlScript.Entry e) throws SQLException {
        long t0 = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try (Statement st = c.createStatement()) {
                st.execute(e.sql());
                double secs = (System.nanoTime() - t0) / 1e9;
                if (secs >= 1) {
                    slowSteps.put(e.label(), Math.round(secs * 100) / 100.0);
                }
                return;
            } catch (SQLException ex) {
                if ("40P01".equals(ex.getSQLState()) && attempt < 5) {
                    log.debug("deadlock on {}, retrying", e.label());
                    continue;
                }
                if (failures != null) {
                    failures.add(e, ex);
                    return;
                }
                throw RefreshException.failed("post-data", null, e.label() + ": " + ex.getMessage(), ex);
            }
        }
    }

    // ------------------------------------------------------------------ sequences, large objects, analyze

    /** Read every sequence's state on the source (inside the snapshot's session). */
    static List<Object[]> readSequences(Connection src, List<String> sequences) throws SQLException {
        List<Object[]> out = new ArrayList<>();
        for (String s : sequences) {
            int dot = s.indexOf('.');
            String q = SqlScript.qualified(s.substring(0, dot), s.substring(dot + 1));
            try (Statement st = src.createStatement(); ResultSet rs = st.executeQuery("SELECT last_value, is_called FROM " + q)) {
                rs.next();
                out.add(new Object[] {q, rs.getLong(1), rs.getBoolean(2)});
            }
        }
        return out;
    }

    static void setSequences(Connection dst, List<Object[]> values) throws SQLException {
        dst.setAutoCommit(true);
        for (Object[] v : values) {
            try (Statement st = dst.createStatement()) {
                st.execute("SELECT pg_catalog.setval(" + SqlScript.literal((String) v[0]) + ", " + v[1] + ", " + v[2] + ")");
            } catch (SQLException e) {
                throw RefreshException.failed("data", null, "setting sequence " + v[0] + ": " + e.getMessage(), e);
            }
        }
    }

    /** Copy large objects (unmasked: only when the template says largeObjects: copy). Returns how many. */
    static long copyLargeObjects(Connection src, Connection dst, JobProgress progress) throws SQLException {
        List<Long> oids = new ArrayList<>();
        try (Statement st = src.createStatement(); ResultSet rs = st.executeQuery("SELECT oid FROM pg_catalog.pg_largeobject_metadata ORDER BY oid")) {
            while (rs.next()) {
                oids.add(rs.getLong(1));
            }
        }
        dst.setAutoCommit(true);
        final int chunk = 1 << 20;
        for (long oid : oids) {
            progress.checkCancelled();
            long off = 0;
            while (true) {
                byte[] data;
                try (java.sql.PreparedStatement ps = src.prepareStatement("SELECT pg_catalog.lo_get(?::oid, ?, ?)")) {
                    ps.setLong(1, oid);
                    ps.setLong(2, off);
                    ps.setInt(3, chunk);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        data = rs.getBytes(1);
                    }
                }
                if (data == null || data.length == 0) {
                    break;
                }
                try (java.sql.PreparedStatement ps = dst.prepareStatement("SELECT pg_catalog.lo_put(?::oid, ?, ?)")) {
                    ps.setLong(1, oid);
                    ps.setLong(2, off);
                    ps.setBytes(3, data);
                    ps.execute();
                }
                progress.addBytes(data.length);
                off += data.length;
                if (data.length < chunk) {
                    break;
                }
            }
        }
        return oids.size();
    }

    /** ANALYZE every table in parallel (planner statistics for the clones). */
    void analyze(RefreshPipeline.Target target, List<String> tables, int workers, JobProgress progress) throws Exception {
        List<SqlScript.Entry> entries = new ArrayList<>();
        for (String t : tables) {
            int dot = t.indexOf('.');
            entries.add(new SqlScript.Entry("ANALYZE", t.substring(dot + 1), t.substring(0, dot),
                    "ANALYZE " + SqlScript.qualified(t.substring(0, dot), t.substring(dot + 1))));
        }
        try {
            parallel(target, "SELECT 1", entries, workers, progress);
        } catch (RefreshException e) {
            throw RefreshException.failed("post-data", null, "ANALYZE: " + e.getMessage(), e);
        }
    }
}
