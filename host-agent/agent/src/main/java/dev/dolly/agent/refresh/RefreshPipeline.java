package dev.dolly.agent.refresh;

import dev.dolly.agent.masking.CoverageGate;
import dev.dolly.agent.masking.MaskingConfig;
import dev.dolly.agent.masking.MaskingConfigException;
import dev.dolly.agent.masking.Prf;
import dev.dolly.agent.masking.SourceColumn;
import dev.dolly.agent.process.ProcessRunner;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One refresh from a live source into a running build server, in the phases of DESIGN §3:
 * guard (pinned system_identifier, version, rules bound to the catalog, PII coverage gate),
 * pre-data (roles without passwords, extensions, schema), data (parallel masked COPY streams in
 * one exported snapshot, sequences), post-data (indexes and constraints in parallel, the rest,
 * ANALYZE). Knows nothing of ZFS or containers: the build server is a {@link Target}.
 */
public final class RefreshPipeline {
    private static final Logger log = LoggerFactory.getLogger(RefreshPipeline.class);

    /** The build server being filled. */
    public interface Target {
        /** A new superuser session on the template database. */
        Connection connect() throws SQLException;

        /** The clone image, for messages. */
        default String image() {
            return "the clone image";
        }

        /** The template database's name (null if the target cannot recreate it). */
        default String database() {
            return null;
        }

        /** A superuser session on the maintenance database {@code postgres} (to recreate the template database). */
        default Connection connectMaintenance() throws SQLException {
            throw new SQLException("this target cannot recreate its database");
        }
    }

    /**
     * Everything a refresh reads from the template's config. {@code targetMajor} is the template's
     * PostgreSQL major (null: the source's, until the guard has read it); {@code allowFailures}
     * names objects an upgrade rehearsal may fail to restore.
     */
    public record Inputs(String template, SourceConfig source, MaskingConfig masking, RefreshOptions options, Integer targetMajor,
                         List<String> allowFailures) {
        public Inputs {
            allowFailures = allowFailures == null ? List.of() : List.copyOf(allowFailures);
        }

        public Inputs(String template, SourceConfig source, MaskingConfig masking, RefreshOptions options, int targetMajor) {
            this(template, source, masking, options, targetMajor, List.of());
        }

        public Inputs withTargetMajor(int major) {
            return new Inputs(template, source, masking, options, major, allowFailures);
        }
    }

    private final ProcessRunner runner;
    private final Function<String, String> env;

    public RefreshPipeline(ProcessRunner runner, Function<String, String> env) {
        this.runner = runner;
        this.env = env;
    }

    /** Settings of every build-server session: the same text formats the source sessions print. */
    static void targetSession(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET DateStyle = 'ISO, MDY'");
            st.execute("SET IntervalStyle = 'postgres'");
            st.execute("SET TimeZone = 'UTC'");
            st.execute("SET extra_float_digits = 3");
            st.execute("SET synchronous_commit = off");
            st.execute("SET statement_timeout = 0");
            st.execute("SET lock_timeout = 0");
            st.execute("SET idle_in_transaction_session_timeout = 0");
        }
    }

    // ------------------------------------------------------------------ guard

    /**
     * The checks that run before any dataset exists: source identity and version, rules bound to
     * the catalog, PII coverage gate, large objects. Throws {@link RefreshException} (SOURCE_REFUSED)
     * or {@link MaskingConfigException}; returns what it learned.
     */
    public Map<String, Object> guard(Inputs in) throws SQLException {
        try (Connection src = SourceConnections.open(in.source(), env)) {
            SourceGuard.SourceFacts facts = SourceGuard.check(src, in.source(), in.template(), in.targetMajor());
            SourceConnections.beginSnapshot(src);
            Catalog cat = Catalog.read(src, in.options(), facts.versionNum());
            MaskPlan plan = plan(in, cat);
            gate(src, in, plan);
            checkLargeObjects(in, cat);
            src.rollback();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("systemIdentifier", facts.systemIdentifier());
            r.put("version", facts.version());
            r.put("major", facts.major());
            r.put("tables", plan.tables().size());
            return r;
        } catch (SQLException e) {
            throw RefreshException.refused("cannot read the source at " + in.source().describe() + ": " + e.getMessage());
        }
    }

    private MaskPlan plan(Inputs in, Catalog cat) {
        Prf[] prf = new Prf[1];
        return MaskPlan.build(cat, in.masking(), () -> {
            if (prf[0] == null) {
                prf[0] = new Prf(in.masking().salt(env));
            }
            return prf[0];
        });
    }

    private void gate(Connection src, Inputs in, MaskPlan plan) throws SQLException {
        MaskingConfig.Gate g = in.masking().gate();
        if (!g.enabled()) {
            return;
        }
        List<SourceColumn> candidates = new ArrayList<>(plan.unruled());
        candidates.addAll(plan.jsonRuled().keySet());
        Map<String, List<SourceColumn>> byTable = new LinkedHashMap<>();
        for (SourceColumn c : candidates) {
            if (CoverageGate.worthSampling(c)) {
                byTable.computeIfAbsent(c.table(), t -> new ArrayList<>()).add(c);
            }
        }
        Map<SourceColumn, List<String>> samples = new HashMap<>();
        for (Map.Entry<String, List<SourceColumn>> e : byTable.entrySet()) {
            sample(src, e.getKey(), e.getValue(), g.sampleRows(), samples);
        }
        List<CoverageGate.Finding> findings = CoverageGate.evaluate(candidates, samples, g.threshold(), Set.of(),
                plan.jsonRuled());
        if (!findings.isEmpty()) {
            throw RefreshException.refused(CoverageGate.message(findings, in.template()));
        }
    }

    private static void sample(Connection src, String table, List<SourceColumn> cols, int rows,
                               Map<SourceColumn, List<String>> out) throws SQLException {
        int dot = table.indexOf('.');
        String q = SqlScript.qualified(table.substring(0, dot), table.substring(dot + 1));
        String relkind;
        double reltuples;
        try (Statement st = src.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT relkind::text, reltuples FROM pg_catalog.pg_class WHERE oid = " + SqlScript.literal(q) + "::regclass")) {
            rs.next();
            relkind = rs.getString(1);
            reltuples = rs.getDouble(2);
        }
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < cols.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(CoverageGate.sampleExpression(cols.get(i)));
        }
        sql.append(" FROM ").append(relkind.equals("p") ? "" : "ONLY ").append(q);
        if (relkind.equals("r") && reltuples > 50.0 * rows) {
            double pct = Math.min(100, Math.max(0.0001, 100.0 * rows * 10 / reltuples));
            sql.append(String.format(Locale.ROOT, " TABLESAMPLE SYSTEM (%.6f) REPEATABLE (7)", pct));
        }
        sql.append(" LIMIT ").append(rows);
        List<List<String>> values = new ArrayList<>();
        cols.forEach(c -> values.add(new ArrayList<>()));
        try (Statement st = src.createStatement(); ResultSet rs = st.executeQuery(sql.toString())) {
            while (rs.next()) {
                for (int i = 0; i < cols.size(); i++) {
                    String v = rs.getString(i + 1);
                    if (v != null) {
                        values.get(i).add(v);
                    }
                }
            }
        }
        for (int i = 0; i < cols.size(); i++) {
            out.put(cols.get(i), values.get(i));
        }
    }

    private static void checkLargeObjects(Inputs in, Catalog cat) {
        if (cat.largeObjects() > 0 && in.options().largeObjects() == RefreshOptions.LargeObjects.REFUSE) {
            throw RefreshException.refused("the source holds " + cat.largeObjects() + " large object"
                    + (cat.largeObjects() == 1 ? "" : "s") + ", which Dolly cannot mask (they are opaque bytes); set "
                    + "templates." + in.template() + ".refresh.largeObjects to 'skip' (clones get none) or 'copy' "
                    + "(copied as they are: only if they hold no personal data)");
        }
    }

    // ------------------------------------------------------------------ run

    /** Fill {@code target} from the source. Returns what it did (sizes, row counts, rules applied per column). */
    public RefreshResult run(Inputs in, Target target, JobProgress progress) throws Exception {
        long t0 = System.nanoTime();
        Map<String, Double> phases = new LinkedHashMap<>();
        Set<Connection> open = ConcurrentHashMap.newKeySet();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "refresh-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(() -> {
            if (progress.isCancelled()) {
                for (Connection c : open) {
                    try {
                        c.abort(Runnable::run);
                    } catch (SQLException | RuntimeException ignored) {
                        // best effort
                    }
                }
            }
        }, 200, 200, TimeUnit.MILLISECONDS);
        // the guard ran before the build started; inside the snapshot it runs again (the source may have
        // changed meanwhile), reported as the start of pre-data so a job's phases only move forward
        String phase = "pre-data";
        Connection src = null;
        Connection dst = null;
        try {
            progress.phase(phase);
            src = SourceConnections.open(in.source(), env);
            open.add(src);
            SourceGuard.SourceFacts facts = SourceGuard.check(src, in.source(), in.template(), in.targetMajor());
            SourceConnections.beginSnapshot(src);
            String snapshot;
            try (Statement st = src.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_export_snapshot()")) {
                rs.next();
                snapshot = rs.getString(1);
            }
            Catalog cat = Catalog.read(src, in.options(), facts.versionNum());
            MaskPlan plan = plan(in, cat);
            gate(src, in, plan);
            checkLargeObjects(in, cat);
            lockTables(src, cat);
            boolean upgrade = in.targetMajor() != null && in.targetMajor() > facts.major();
            RestoreFailures failures = upgrade ? new RestoreFailures(in.template(), in.allowFailures()) : null;
            SchemaSteps schema = new SchemaSteps(runner, in.source(), env, in.options(),
                    in.options().hostTools() ? null : in.targetMajor(), failures);
            String roles = in.options().roles() ? schema.dumpRoles() : null;
            String pre = schema.dump("pre-data", snapshot, "pre-data");
            String post = schema.dump("post-data", snapshot, "pre-data");
            progress.checkCancelled();
            phases.put("snapshot", secs(t0));   // export, checks again inside it, schema dumps

            long t1 = System.nanoTime();
            phase = "pre-data";
            progress.phase(phase);
            List<String> warnings = new ArrayList<>();
            if (in.source().tlsWarning() != null) {
                warnings.add(in.source().tlsWarning());
            }
            warnings.addAll(matchLocale(src, target, facts));
            dst = target.connect();
            open.add(dst);
            targetSession(dst);
            List<UpgradeReport.ExtensionChange> extensionChanges = upgrade
                    ? UpgradeReport.extensionChanges(dst, cat.extensionVersions()) : List.of();
            SchemaSteps.checkExtensions(dst, cat.extensions(), target.image());
            if (roles != null) {
                warnings.addAll(schema.roles(dst, roles));
            }
            warnings.addAll(schema.preData(dst, pre, progress));
            phases.put("pre-data", secs(t1));
            if (failures != null) {
                failures.check("pre-data", facts.major(), in.targetMajor());
            }

            long t2 = System.nanoTime();
            phase = "data";
            progress.phase(phase);
            List<MaskPlan.TablePlan> copied = plan.tables().stream().filter(p -> !p.truncate()).toList();
            progress.tablesTotal(copied.size());
            long sourceBytes = copied.stream().mapToLong(p -> p.table().bytes()).sum();
            progress.expectBytes(sourceBytes);
            List<Object[]> sequences = SchemaSteps.readSequences(src, cat.sequences());
            DataCopier copier = new DataCopier(in.source(), env, snapshot, target, in.options().workers(), progress);
            List<DataCopier.TableResult> results = copier.copy(plan.tables());
            SchemaSteps.setSequences(dst, sequences);
            long los = 0;
            if (cat.largeObjects() > 0 && in.options().largeObjects() == RefreshOptions.LargeObjects.COPY) {
                los = SchemaSteps.copyLargeObjects(src, dst, progress);
            }
            src.commit();          // the source's snapshot is no longer needed
            open.remove(src);
            src.close();
            src = null;
            phases.put("data", secs(t2));

            long t3 = System.nanoTime();
            phase = "post-data";
            progress.phase(phase);
            Map<String, Long> tableBytes = new HashMap<>();
            for (Catalog.Table t : cat.tables()) {
                tableBytes.put(t.qualified(), t.bytes());
            }
            schema.postData(target, post, in.options().workers(), progress, tableBytes);
            warnings.addAll(recompute(dst, plan));
            if (in.options().analyze()) {
                List<String> names = new ArrayList<>(cat.tables().stream().map(Catalog.Table::qualified).toList());
                try (Statement st = dst.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT schemaname || '.' || matviewname FROM pg_catalog.pg_matviews WHERE ispopulated")) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
                schema.analyze(target, names, in.options().workers(), progress);
            }
            phases.put("post-data", secs(t3));
            if (failures != null) {
                failures.check("post-data", facts.major(), in.targetMajor());
            }

            long targetBytes;
            try (Statement st = dst.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_database_size(current_database())")) {
                rs.next();
                targetBytes = rs.getLong(1);
            }
            UpgradeReport report = upgrade ? new UpgradeReport(facts.major(), in.targetMajor(), extensionChanges, failures.all(),
                    phases) : null;
            return RefreshResult.of(in, facts, plan, results, phases, sourceBytes, targetBytes, los, warnings, secs(t0),
                    schema.slowSteps, report);
        } catch (RefreshException | MaskingConfigException | CancellationException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("refresh cancelled");
        } catch (Exception e) {
            if (progress.isCancelled()) {
                throw new CancellationException("refresh cancelled");
            }
            throw RefreshException.failed(phase, null, e.getMessage() == null ? e.toString() : e.getMessage(), e);
        } finally {
            watchdog.shutdownNow();
            closeQuietly(src);
            closeQuietly(dst);
        }
    }

    /**
     * Give the (still empty) template database the source database's encoding, collation and
     * character classification, so text sorts, compares and indexes as in production. When the
     * clone image lacks that locale, the build keeps its own and the result says so.
     */
    private static List<String> matchLocale(Connection src, Target target, SourceGuard.SourceFacts facts) throws SQLException {
        String[] want = locale(src, facts.versionNum());
        String[] have;
        try (Connection c = target.connect()) {
            have = locale(c, versionNum(c));
        }
        if (java.util.Arrays.equals(want, have) || target.database() == null) {
            return List.of();
        }
        String db = target.database();
        String tmp = db.length() > 50 ? db.substring(0, 50) + "_dolly_locale" : db + "_dolly_locale";
        StringBuilder create = new StringBuilder("CREATE DATABASE " + SqlScript.ident(tmp) + " TEMPLATE template0 ENCODING "
                + SqlScript.literal(want[0]) + " LC_COLLATE " + SqlScript.literal(want[1]) + " LC_CTYPE " + SqlScript.literal(want[2]));
        if ("i".equals(want[3])) {
            create.append(" LOCALE_PROVIDER icu ICU_LOCALE ").append(SqlScript.literal(want[4]));
        } else if ("b".equals(want[3])) {   // 17+: the builtin provider (the target is never older than the source)
            create.append(" LOCALE_PROVIDER builtin BUILTIN_LOCALE ").append(SqlScript.literal(want[4]));
        }
        try (Connection m = target.connectMaintenance(); Statement st = m.createStatement()) {
            try {
                st.execute(create.toString());
            } catch (SQLException e) {
                return List.of("the source database's locale (encoding " + want[0] + ", collation " + want[1] + ", ctype " + want[2]
                        + ("i".equals(want[3]) ? ", ICU " + want[4] : "") + ") is not available in the clone image ("
                        + e.getMessage() + "); the template database keeps " + have[1] + ", so text may sort differently than on the source");
            }
            st.execute("DROP DATABASE " + SqlScript.ident(db));
            st.execute("ALTER DATABASE " + SqlScript.ident(tmp) + " RENAME TO " + SqlScript.ident(db));
        }
        return List.of();
    }

    /**
     * {encoding, collate, ctype, provider, provider locale} of the current database: 15 and 16 name
     * the ICU locale {@code daticulocale}, 17 renamed it {@code datlocale} (also the builtin
     * provider's); before 15 there is only libc.
     */
    private static String[] locale(Connection c, int versionNum) throws SQLException {
        String provider = versionNum >= 170000 ? "datlocprovider::text, coalesce(datlocale, '')"
                : versionNum >= 150000 ? "datlocprovider::text, coalesce(daticulocale, '')" : "'c', ''";
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT pg_catalog.pg_encoding_to_char(encoding), datcollate, datctype, " + provider
                        + " FROM pg_catalog.pg_database WHERE datname = current_database()")) {
            rs.next();
            return new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)};
        }
    }

    /** {@code server_version_num} of a session's server. */
    static int versionNum(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing
            }
        }
    }

    /** Rule {@code recompute}, per table, once post-data has made the triggers: see {@link Recompute}. */
    private static List<String> recompute(Connection dst, MaskPlan plan) throws SQLException {
        List<String> warnings = new ArrayList<>();
        for (MaskPlan.TablePlan p : plan.tables()) {
            List<String> columns = plan.recompute().get(p.name());
            if (columns != null && !p.truncate()) {
                warnings.addAll(Recompute.table(dst, p.table().schema(), p.table().name(), p.columns(), columns));
            }
        }
        return warnings;
    }

    /** ACCESS SHARE on every copied table for the snapshot's life: no DDL can pull a table away mid-copy. */
    private static void lockTables(Connection src, Catalog cat) throws SQLException {
        List<Catalog.Table> tables = cat.tables();
        for (int i = 0; i < tables.size(); i += 200) {
            List<String> names = tables.subList(i, Math.min(tables.size(), i + 200)).stream()
                    .map(t -> SqlScript.qualified(t.schema(), t.name())).toList();
            try (Statement st = src.createStatement()) {
                st.execute("LOCK TABLE " + String.join(", ", names) + " IN ACCESS SHARE MODE");
            } catch (SQLException e) {
                throw RefreshException.refused("cannot lock the source tables for a consistent read (" + e.getMessage()
                        + "); is a migration running on the source? Try again later");
            }
        }
    }

    private static double secs(long since) {
        return Math.round((System.nanoTime() - since) / 1e7) / 100.0;
    }
}
