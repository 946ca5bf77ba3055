package dev.dolly.agent.refresh;

import dev.dolly.agent.config.TemplateConfig;
import dev.dolly.agent.masking.MaskingConfig;
import dev.dolly.agent.masking.MaskingConfigException;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.process.ProcessRunner;
import dev.dolly.agent.template.BuildServer;
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
            throw invalid(e);
        }
    }

    /** Parses the template's config once and builds the one pipeline that guards and fills this build. */
    @Override
    public Build prepare(TemplateConfig t) {
        RefreshPipeline.Inputs in = inputs(t);
        String image = image(t);
        RefreshPipeline pipeline = new RefreshPipeline(runner, env);
        return new Build() {
            @Override
            public void guard() throws Exception {
                try {
                    pipeline.guard(in);
                } catch (MaskingConfigException e) {
                    throw invalid(e);
                }
            }

            @Override
            public Map<String, Object> populate(BuildServer server, JobProgress progress) throws Exception {
                try {
                    return pipeline.run(in, new BuildTarget(server, image), progress).asMap();
                } catch (MaskingConfigException e) {
                    throw invalid(e);
                }
            }
        };
    }

    @Override
    public void guard(TemplateConfig t) throws Exception {
        prepare(t).guard();
    }

    @Override
    public Map<String, Object> populate(TemplateConfig t, BuildServer server, JobProgress progress) throws Exception {
        return prepare(t).populate(server, progress);
    }

    private static RefreshException invalid(MaskingConfigException e) {
        return new RefreshException(ErrorCode.INVALID_REQUEST, "guard", null, e.getMessage(), e);
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
