package dev.dolly.agent.refresh;

import dev.dolly.agent.api.RequestIds;
import dev.dolly.agent.masking.ByteBuf;
import dev.dolly.agent.masking.RowMasker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data phase: N workers, each with one source session inside the exported snapshot and one
 * build-server session, take tables (largest first) and stream each as
 * {@code COPY … TO STDOUT} → {@link RowMasker} → {@code COPY … FROM STDIN (FREEZE)} into a table
 * truncated in the same transaction. Rows exist only in memory, in 64 KiB batches.
 *
 * <p>The first failure (or a cancel) aborts every session at once, so blocked reads and writes
 * return immediately; the error names the table.
 */
final class DataCopier {
    private static final Logger log = LoggerFactory.getLogger(DataCopier.class);
    private static final int BATCH = 64 * 1024;

    /** What one table's copy did. {@code masked}: values changed per column. */
    record TableResult(String table, long rows, long bytes, Map<String, Long> masked, double seconds) {}

    private final SourceConfig source;
    private final Function<String, String> env;
    private final String snapshot;
    private final RefreshPipeline.Target target;
    private final int workers;
    private final JobProgress progress;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stop;
    private final AtomicLong doneBytes = new AtomicLong();   // table sizes (pg_table_size) of finished tables
    private final Map<String, AtomicLong> inflight = new ConcurrentHashMap<>();
    private long totalBytes;
    private long startNanos;

    DataCopier(SourceConfig source, Function<String, String> env, String snapshot, RefreshPipeline.Target target,
               int workers, JobProgress progress) {
        this.source = source;
        this.env = env;
        this.snapshot = snapshot;
        this.target = target;
        this.workers = workers;
        this.progress = progress;
    }

    List<TableResult> copy(List<MaskPlan.TablePlan> plans) throws InterruptedException {
        List<MaskPlan.TablePlan> todo = plans.stream().filter(p -> !p.truncate()).toList();
        ConcurrentLinkedQueue<MaskPlan.TablePlan> queue = new ConcurrentLinkedQueue<>(todo);
        totalBytes = Math.max(1, todo.stream().mapToLong(p -> p.table().bytes()).sum());
        startNanos = System.nanoTime();
        List<TableResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
        int n = Math.max(1, Math.min(workers, todo.size()));
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "refresh-copy");
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(RequestIds.carry(() -> work(queue, results))));
            }
            pool.shutdown();
            while (!pool.awaitTermination(200, TimeUnit.MILLISECONDS)) {
                if (progress.isCancelled() || Thread.currentThread().isInterrupted()) {
                    abortAll();
                    throw new CancellationException("refresh cancelled");
                }
                if (failure.get() != null) {
                    abortAll();
                }
            }
        } catch (InterruptedException e) {
            abortAll();
            pool.shutdownNow();
            throw e;
        } finally {
            pool.shutdownNow();
            closeAll();
        }
        if (progress.isCancelled()) {
            throw new CancellationException("refresh cancelled");
        }
        Throwable f = failure.get();
        if (f instanceof RefreshException re) {
            throw re;
        }
        if (f != null) {
            throw RefreshException.failed("data", null, String.valueOf(f.getMessage()), f);
        }
        return results;
    }

    private void work(ConcurrentLinkedQueue<MaskPlan.TablePlan> queue, List<TableResult> results) {
        Connection src = null;
        Connection dst = null;
        MaskPlan.TablePlan current = null;
        try {
            src = SourceConnections.open(source, env);
            open.add(src);
            SourceConnections.beginSnapshot(src);
            try (Statement st = src.createStatement()) {
                st.execute("SET TRANSACTION SNAPSHOT " + SqlScript.literal(snapshot));
            }
            dst = target.connect();
            open.add(dst);
            RefreshPipeline.targetSession(dst);
            dst.setAutoCommit(false);
            while (!stop) {
                current = queue.poll();
                if (current == null) {
                    break;
                }
                results.add(copyTable(current, src, dst));
                progress.tableDone();
                current = null;
            }
        } catch (Throwable e) {
            if (!stop) {
                String table = current == null ? null : current.name();
                String msg = describe(e, current, src);
                failure.compareAndSet(null, e instanceof RefreshException ? e : RefreshException.failed("data", table, msg, e));
                stop = true;
            }
        } finally {
            close(src);
            close(dst);
        }
    }

    private TableResult copyTable(MaskPlan.TablePlan plan, Connection src, Connection dst) throws SQLException {
        long t0 = System.nanoTime();
        String name = plan.name();
        AtomicLong seen = new AtomicLong();
        inflight.put(name, seen);
        try (Statement st = dst.createStatement()) {
            st.execute("TRUNCATE ONLY " + SqlScript.qualified(plan.table().schema(), plan.table().name()));
        }
        RowMasker masker = plan.transformers().isEmpty() ? null : new RowMasker(plan.transformers());
        CopyIn in = dst.unwrap(PGConnection.class).getCopyAPI().copyIn(plan.copyIn());
        CopyOut out = null;
        long rows = 0;
        long bytes = 0;
        long reportedRows = 0;
        long reportedBytes = 0;
        ByteBuf buf = new ByteBuf(BATCH + 8192);
        try {
            out = src.unwrap(PGConnection.class).getCopyAPI().copyOut(plan.copyOut());
            byte[] row;
            while ((row = out.readFromCopy()) != null) {
                rows++;
                bytes += row.length;
                if (masker == null) {
                    buf.write(row, 0, row.length);
                } else {
                    masker.mask(row, row.length, buf);
                }
                if (buf.size() >= BATCH) {
                    in.writeToCopy(buf.array(), 0, buf.size());
                    buf.reset();
                    progress.addRows(rows - reportedRows);
                    progress.addBytes(bytes - reportedBytes);
                    reportedRows = rows;
                    reportedBytes = bytes;
                    seen.set(bytes);
                    updateEta();
                    if (stop || progress.isCancelled()) {
                        throw new CancellationException("refresh cancelled");
                    }
                }
            }
            if (buf.size() > 0) {
                in.writeToCopy(buf.array(), 0, buf.size());
            }
            in.endCopy();
            dst.commit();
        } catch (SQLException | RuntimeException e) {
            cancelQuietly(in, out);
            try {
                dst.rollback();
            } catch (SQLException ignored) {
                // the session may be gone already
            }
            throw e;
        } finally {
            inflight.remove(name);
        }
        progress.addRows(rows - reportedRows);
        progress.addBytes(bytes - reportedBytes);
        doneBytes.addAndGet(plan.table().bytes());
        updateEta();
        Map<String, Long> masked = new LinkedHashMap<>();
        if (masker != null) {
            int[] cols = masker.columns();
            for (int i = 0; i < cols.length; i++) {
                masked.put(plan.columns().get(cols[i]), masker.maskedCount(i));
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        log.debug("copied {}: {} rows, {} bytes in {} s", name, rows, bytes, secs);
        return new TableResult(name, rows, bytes, masked, secs);
    }

    /** ETA from the share of table bytes done (finished tables, plus in-flight progress capped at their size). */
    private void updateEta() {
        long done = doneBytes.get();
        for (AtomicLong a : inflight.values()) {
            done += a.get();
        }
        double f = Math.min(0.999, done / (double) totalBytes);
        if (f <= 0.01) {
            return;
        }
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        progress.eta(Duration.ofSeconds(Math.round(elapsed * (1 - f) / f)));
    }

    private static void cancelQuietly(CopyIn in, CopyOut out) {
        try {
            if (in != null && in.isActive()) {
                in.cancelCopy();
            }
        } catch (SQLException | RuntimeException ignored) {
            // best effort
        }
        try {
            if (out != null && out.isActive()) {
                out.cancelCopy();
            }
        } catch (SQLException | RuntimeException ignored) {
            // best effort
        }
    }

    private String describe(Throwable e, MaskPlan.TablePlan plan, Connection src) {
        if (e instanceof CancellationException) {
            return "cancelled";
        }
        if (plan != null && e instanceof PSQLException pe && pe.getServerErrorMessage() != null
                && pe.getServerErrorMessage().getConstraint() != null) {
            return constraintViolated(pe.getServerErrorMessage(), plan, src);
        }
        if (e instanceof RowMasker.MaskingFailure mf && plan != null) {
            return "column " + plan.columns().get(mf.field()) + ": " + mf.getMessage();
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof SQLException se && "08006".equals(se.getSQLState()) || m.contains("I/O error")) {
            return "connection lost (" + m + ")";
        }
        return m;
    }

    /**
     * A constraint the masked rows break, said without any value: the server's primary message
     * (which names relation and constraint only), the constraint's columns and the rules on them.
     */
    private static String constraintViolated(ServerErrorMessage sm, MaskPlan.TablePlan plan, Connection src) {
        String constraint = sm.getConstraint();
        List<String> cols = new ArrayList<>();
        if (sm.getColumn() != null) {
            cols.add(sm.getColumn());
        } else if (src != null) {
            try (PreparedStatement ps = src.prepareStatement("SELECT a.attname FROM pg_catalog.pg_constraint c "
                    + "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
                    + "WHERE c.conrelid = ?::regclass AND c.conname = ? ORDER BY a.attnum")) {
                ps.setString(1, SqlScript.qualified(plan.table().schema(), plan.table().name()));
                ps.setString(2, constraint);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        cols.add(rs.getString(1));
                    }
                }
            } catch (SQLException | RuntimeException ignored) {
                // the columns are a help, not a need
            }
        }
        List<String> parts = new ArrayList<>();
        for (String c : cols) {
            String rule = plan.rules().get(c);
            parts.add("column " + c + (rule == null ? " (no rule)" : ", rule " + rule));
        }
        return "the masked rows violate constraint \"" + constraint + "\" (" + sm.getMessage() + ")"
                + (parts.isEmpty() ? "" : "; " + String.join("; ", parts))
                + ": change the rule so its output satisfies the constraint (for example a constant or regex the check accepts)";
    }

    /** Close every session now: blocked reads/writes in workers fail at once. */
    void abortAll() {
        stop = true;
        ExecutorService closer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "refresh-abort");
            t.setDaemon(true);
            return t;
        });
        for (Connection c : open) {
            try {
                c.abort(closer);
            } catch (SQLException | RuntimeException ignored) {
                // best effort
            }
        }
        closer.shutdown();
    }

    private void closeAll() {
        for (Connection c : open) {
            close(c);
        }
    }

    private void close(Connection c) {
        if (c == null) {
            return;
        }
        open.remove(c);
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // closing
        }
    }
}
