package dev.dolly.agent.refresh;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.config.TemplateConfig;
import dev.dolly.agent.process.ProcessFailedException;
import dev.dolly.agent.process.ProcessRunner;
import dev.dolly.agent.template.BuildServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds a template from {@code seed}: SQL files, or directories of them (a migrations folder),
 * applied in order to the fresh cluster's template database — schema only, or schema and data.
 * Directories contribute their {@code *.sql} files (recursively) in natural order by relative
 * path ({@code V2__…} before {@code V10__…}). Files run through {@code psql -v ON_ERROR_STOP=1}
 * so psql syntax (COPY … FROM stdin blocks of a plain dump, \\set) works; without psql on the
 * host a file is sent whole over JDBC. Finally {@code VACUUM (FREEZE, ANALYZE)}: frozen, hinted
 * pages are never rewritten by a clone that only reads them, so idle clones stay thin.
 */
public class SeedPopulator implements TemplatePopulator {
    private static final Pattern DIGITS = Pattern.compile("\\d+|\\D+");
    private final ProcessRunner runner;
    private final String psql;

    public SeedPopulator(ProcessRunner runner, String psql) {
        this.runner = runner;
        this.psql = psql;
    }

    public SeedPopulator(ProcessRunner runner) {
        this(runner, findPsql());
    }

    @Override
    public void guard(TemplateConfig t) throws Exception {
        files(t);
    }

    @Override
    public Map<String, Object> populate(TemplateConfig t, BuildServer server, JobProgress progress) throws Exception {
        List<Path> files = files(t);
        progress.phase("seed");
        progress.tablesTotal(files.size());
        long total = 0;
        for (Path f : files) {
            total += Files.size(f);
        }
        progress.expectBytes(total);
        List<String> applied = new ArrayList<>();
        for (Path f : files) {
            progress.checkCancelled();
            apply(server, f);
            progress.addBytes(Files.size(f));
            progress.tableDone();
            applied.add(f.toString());
        }
        progress.checkCancelled();
        progress.phase("analyze");
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute("VACUUM (FREEZE, ANALYZE)");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("seedFiles", applied);
        result.put("seedBytes", total);
        return result;
    }

    private void apply(BuildServer server, Path file) throws Exception {
        if (psql != null) {
            try {
                runner.run(new ProcessRunner.Invocation(
                        List.of(psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file.toString()),
                        libpqEnv(server), null, Duration.ofHours(6)));
            } catch (ProcessFailedException e) {
                throw new AgentException(ErrorCode.REFRESH_FAILED, "seed file " + file + " failed: " + lastLines(e.stderr(), 5), e);
            }
            return;
        }
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute(Files.readString(file, StandardCharsets.UTF_8));
        } catch (java.sql.SQLException e) {
            throw new AgentException(ErrorCode.REFRESH_FAILED, "seed file " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** The seed files in the order they run. Throws when a listed file or directory is missing or a directory holds no SQL. */
    public static List<Path> files(TemplateConfig t) throws IOException {
        if (!t.hasSeed()) {
            throw new AgentException(ErrorCode.INVALID_REQUEST, "template " + t.name() + " has no seed files");
        }
        List<Path> out = new ArrayList<>();
        for (Path p : t.seed()) {
            if (Files.isDirectory(p)) {
                List<Path> sql;
                try (Stream<Path> s = Files.walk(p)) {
                    sql = s.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".sql"))
                            .sorted(Comparator.comparing(f -> p.relativize(f).toString(), SeedPopulator::natural))
                            .toList();
                }
                if (sql.isEmpty()) {
                    throw new AgentException(ErrorCode.INVALID_REQUEST, "seed directory " + p + " of template " + t.name() + " holds no .sql files");
                }
                out.addAll(sql);
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new AgentException(ErrorCode.INVALID_REQUEST, "seed file " + p + " of template " + t.name() + " does not exist");
            }
        }
        return out;
    }

    /** Natural order: digit runs compare as numbers. */
    static int natural(String a, String b) {
        Matcher ma = DIGITS.matcher(a);
        Matcher mb = DIGITS.matcher(b);
        while (ma.find() && mb.find()) {
            String x = ma.group();
            String y = mb.group();
            int c;
            if (Character.isDigit(x.charAt(0)) && Character.isDigit(y.charAt(0))) {
                c = new java.math.BigInteger(x).compareTo(new java.math.BigInteger(y));
            } else {
                c = x.compareTo(y);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    private static String lastLines(String s, int n) {
        String[] lines = s.strip().split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - n), lines.length));
    }

    static String findPsql() {
        for (String p : List.of("/usr/lib/postgresql/15/bin/psql", "/usr/bin/psql", "/usr/local/bin/psql")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }

    /**
     * Environment for psql run against the build server: PGHOST, PGPORT, PGUSER, PGPASSWORD,
     * PGDATABASE. Passed as the child's environment, never as argv.
     */
    static Map<String, String> libpqEnv(BuildServer server) {
        return Map.of("PGHOST", server.host(), "PGPORT", Integer.toString(server.port()), "PGUSER", server.superuser(),
                "PGPASSWORD", new String(server.password()), "PGDATABASE", server.database(), "PGSSLMODE", "disable");
    }
}
