package dev.dolly.functions.web;

import dev.dolly.control.api.CloneInfo;
import dev.dolly.control.api.CommandResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Command results as a terminal shows them (the {@code dolly} CLI's human output): a line of outcome, then a table
 * whose columns are padded to their widest cell; {@link #env} gives a clone's connection as {@code NAME=value} lines.
 */
final class TextAnswers {

    String render(CommandResult result) {
        StringBuilder b = new StringBuilder();
        if (result instanceof CommandResult.CloneResult r) {
            if (r.message() != null && !r.message().isBlank()) b.append(plain(r.message())).append('\n');
            b.append(cloneTable(List.of(r.info())));
            if (r.password() != null) {
                CloneInfo c = r.info();
                b.append("\npassword: ").append(r.password()).append("   (shown once; `dolly password ").append(c.id()).append("` rotates it)\n");
                b.append("connect:  psql \"host=").append(c.host()).append(" port=").append(c.port()).append(" dbname=").append(c.database())
                        .append(" user=").append(c.user()).append("\"   or: dolly psql ").append(c.id()).append('\n');
            }
        } else if (result instanceof CommandResult.CloneList r) {
            b.append(r.clones().isEmpty() ? "No clones. Make one: dolly create <template>\n" : cloneTable(r.clones()));
        } else if (result instanceof CommandResult.SavepointResult r) {
            if (r.message() != null && !r.message().isBlank()) b.append(plain(r.message())).append('\n');
            b.append("Savepoint ").append(r.savepoint().name()).append(" of ").append(r.savepoint().cloneId())
                    .append(". Back to it: dolly rollback ").append(r.savepoint().cloneId()).append(' ').append(r.savepoint().name()).append('\n');
        } else if (result instanceof CommandResult.SnapshotList r) {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("SNAPSHOT", "CREATED", "SIZE", "CLONES", "CURRENT"));
            r.snapshots().forEach(s -> rows.add(List.of(s.id(), time(s.createdAt()), size(s.sizeBytes()), Integer.toString(s.clones()),
                    s.current() ? "yes" : "")));
            b.append(r.snapshots().isEmpty() ? "Template " + r.template() + " has no snapshots yet.\n" : table(rows));
        } else if (result instanceof CommandResult.TemplateList r) {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("TEMPLATE", "SNAPSHOT", "SNAPSHOT AT", "POSTGRES", "DESCRIPTION"));
            r.templates().forEach(t -> rows.add(List.of(t.name(), text(t.currentSnapshot()), time(t.currentSnapshotAt()),
                    t.postgres() == null ? "" : t.postgres().toString(), text(t.description()))));
            b.append(table(rows));
        } else if (result instanceof CommandResult.RefreshInfo r) {
            b.append("Refresh of ").append(r.template()).append(": ").append(r.state()).append(r.phase() == null ? "" : " (" + r.phase() + ")")
                    .append(r.job() == null ? "" : ", job " + r.job()).append(r.error() == null ? "" : ": " + r.error()).append('\n');
        } else if (result instanceof CommandResult.StatusInfo r) {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("HOST", "HEALTHY", "FREE", "CLONES", "HEARTBEAT"));
            r.hosts().forEach(h -> rows.add(List.of(h.name(), h.healthy() ? "yes" : "no", size(h.freeBytes()), Integer.toString(h.clones()),
                    time(h.lastHeartbeat()))));
            b.append(table(rows)).append(r.clones()).append(" clone(s), ").append(r.refreshes().size()).append(" refresh(es) running\n");
        } else if (result instanceof CommandResult.TokenIssued r) {
            b.append(plain(r.message())).append('\n');
            if (r.token() != null) b.append(r.token()).append('\n');
        } else if (result instanceof CommandResult.TokenList r) {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("TOKEN", "OWNER", "CREATED", "EXPIRES", "LAST USED", "REVOKED"));
            r.tokens().forEach(t -> rows.add(List.of(t.id(), t.owner(), time(t.createdAt()), time(t.expiresAt()), time(t.lastUsedAt()),
                    time(t.revokedAt()))));
            b.append(r.tokens().isEmpty() ? "No personal tokens. Issue one in Slack: /dolly token\n" : table(rows));
        } else if (result instanceof CommandResult.CheckResult r) {
            b.append(plain(r.message())).append('\n');
            r.worst().forEach(f -> b.append("  ").append(f.severity()).append(' ').append(f.rule())
                    .append(f.file() == null ? "" : " at " + f.file() + (f.line() == null ? "" : ":" + f.line())).append(": ")
                    .append(plain(f.message())).append('\n'));
        } else if (result instanceof CommandResult.Done r) {
            b.append(plain(r.message())).append('\n');
        }
        return b.toString();
    }

    /** A clone's connection as {@code NAME=value} lines (no quoting: values are refused if they hold a control character). */
    String env(CommandResult result) {
        if (!(result instanceof CommandResult.CloneResult r)) {
            throw new dev.dolly.control.api.DollyException(dev.dolly.control.api.ErrorKind.BAD_REQUEST,
                    "format: `env` is for a clone's connection (create, password).");
        }
        CloneInfo c = r.info();
        StringBuilder b = new StringBuilder();
        line(b, "DOLLY_CLONE", c.id());
        line(b, "PGHOST", c.host());
        line(b, "PGPORT", Integer.toString(c.port()));
        line(b, "PGUSER", c.user());
        line(b, "PGDATABASE", c.database());
        if (r.password() != null) line(b, "PGPASSWORD", r.password());
        return b.toString();
    }

    private static void line(StringBuilder b, String name, String value) {
        if (value == null) return;
        if (value.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) throw new IllegalStateException(name + " holds a control character");
        b.append(name).append('=').append(value).append('\n');
    }

    private static String cloneTable(List<CloneInfo> clones) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("CLONE", "STATE", "TEMPLATE", "OWNER", "HOST:PORT", "EXPIRES"));
        clones.forEach(c -> rows.add(List.of(c.id(), c.state() == null ? "" : c.state().name(), text(c.template()), text(c.owner()),
                c.host() == null ? "" : c.host() + ":" + c.port(), c.protectedClone() ? "protected" : time(c.expiresAt()))));
        return table(rows);
    }

    /** Rows as columns padded to their widest cell, two spaces apart. */
    static String table(List<List<String>> rows) {
        int[] width = new int[rows.get(0).size()];
        for (List<String> row : rows) for (int i = 0; i < row.size(); i++) width[i] = Math.max(width[i], row.get(i).length());
        StringBuilder b = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(row.get(i));
                if (i < row.size() - 1) line.append(" ".repeat(width[i] - row.get(i).length() + 2));
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }

    /** Slack mrkdwn to plain text: code ticks and bold stars removed. */
    static String plain(String s) {
        return s == null ? "" : s.replace("`", "").replaceAll("\\*([^*]+)\\*", "$1");
    }

    private static String text(String s) { return s == null ? "" : s; }

    private static String time(Instant t) {
        return t == null ? "" : t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private static String size(long bytes) {
        if (bytes < 1024 * 1024) return bytes / 1024 + " KiB";
        if (bytes < 1024L * 1024 * 1024) return bytes / (1024 * 1024) + " MiB";
        return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
