package dev.dolly.agent.refresh;

import dev.dolly.agent.config.TemplateConfig;
import dev.dolly.agent.masking.MaskingConfig;
import dev.dolly.agent.masking.MaskingConfigException;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.process.ProcessRunner;
import dev.dolly.agent.template.BuildServer;
import dev.dolly.agent.template.JobProgress;
import dev.dolly.agent.template.Populators;
import dev.dolly.agent.template.TemplatePopulator;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a template from a live PostgreSQL source (the template's {@code source}, {@code masking}
 * and {@code refresh} sections; see host-agent/agent/docs/masking.md). {@link #guard} runs the
 * checks that need no dataset (pinned system_identifier, version, rules against the catalog, PII
 * coverage gate, large objects); {@link #populate} fills the build server through
 * {@link RefreshPipeline}.
 */
public class LiveSourcePopulator implements TemplatePopulator {

    private static final Pattern MAJOR = Pattern.compile(":(\\d+)(?:[.-].*)?$");
    private static final Pattern PG_DUMP_VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

    private final ProcessRunner runner;
    private final Function<String, String> env;
    private final String defaultImage;
    private volatile Integer pgDumpMajor;

    public LiveSourcePopulator(Populators.Context ctx) {
        this(ctx.runner(), ctx.env()::get, ctx.config().image());
    }

    public LiveSourcePopulator(ProcessRunner runner, Function<String, String> env, String defaultImage) {
        this.runner = runner;
        this.env = env;
        this.defaultImage = defaultImage;
    }

    /** The template's refresh inputs, parsed and validated (config mistakes name their YAML path). */
    public RefreshPipeline.Inputs inputs(TemplateConfig t) {
        try {
            SourceConfig source = SourceConfig.parse(t.source(), t.name());
            MaskingConfig masking = MaskingConfig.parse(t.masking(), "templates." + t.name() + ".masking");
            RefreshOptions options = RefreshOptions.parse(t.refresh(), t.name());
            return new RefreshPipeline.Inputs(t.name(), source, masking, options, maxMajor(image(t), options));
        } catch (MaskingConfigException e) {
            throw new RefreshException(ErrorCode.INVALID_REQUEST, "guard", null, e.getMessage(), e);
        }
    }

    @Override
    public void guard(TemplateConfig t) throws Exception {
        RefreshPipeline.Inputs in = inputs(t);
        try {
            new RefreshPipeline(runner, env).guard(in);
        } catch (MaskingConfigException e) {
            throw new RefreshException(ErrorCode.INVALID_REQUEST, "guard", null, e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Object> populate(TemplateConfig t, BuildServer server, JobProgress progress) throws Exception {
        RefreshPipeline.Inputs in = inputs(t);
        String image = image(t);
        RefreshPipeline.Target target = new RefreshPipeline.Target() {
            @Override
            public Connection connect() throws SQLException {
                return server.connect();
            }

            @Override
            public String image() {
                return image;
            }

            @Override
            public String database() {
                return server.database();
            }

            @Override
            public Connection connectMaintenance() throws SQLException {
                return server.connect("postgres");
            }
        };
        try {
            return new RefreshPipeline(runner, env).run(in, target, progress);
        } catch (MaskingConfigException e) {
            throw new RefreshException(ErrorCode.INVALID_REQUEST, "guard", null, e.getMessage(), e);
        }
    }

    private String image(TemplateConfig t) {
        return t.image() != null ? t.image() : defaultImage;
    }

    /** Newest source major this host can refresh: the clone image's major, and never newer than the host's pg_dump. */
    int maxMajor(String image, RefreshOptions options) {
        int imageMajor = 15;
        if (image != null) {
            Matcher m = MAJOR.matcher(image);
            if (m.find()) {
                imageMajor = Integer.parseInt(m.group(1));
            }
        }
        Integer dump = pgDumpMajor;
        if (dump == null) {
            try {
                String v = runner.run(java.util.List.of(options.tool("pg_dump"), "--version")).stdout();
                Matcher m = PG_DUMP_VERSION.matcher(v);
                dump = m.find() ? Integer.parseInt(m.group(1)) : imageMajor;
            } catch (RuntimeException e) {
                throw new RefreshException(ErrorCode.REFRESH_FAILED, "guard", null, "pg_dump is not usable at "
                        + options.tool("pg_dump") + " (set templates.<name>.refresh.pgBin): " + e.getMessage(), e);
            }
            pgDumpMajor = dump;
        }
        return Math.min(imageMajor, dump);
    }
}
