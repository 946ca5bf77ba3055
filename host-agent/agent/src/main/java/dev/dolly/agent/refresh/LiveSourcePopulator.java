package dev.dolly.agent.refresh;

import dev.dolly.agent.config.AgentConfig;
import dev.dolly.agent.config.TemplateConfig;
import dev.dolly.agent.docker.ToolContainers;
import dev.dolly.agent.masking.MaskingConfig;
import dev.dolly.agent.masking.MaskingConfigException;
import dev.dolly.agent.api.ErrorCode;
import dev.dolly.agent.process.ProcessRunner;
import dev.dolly.agent.template.BuildServer;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds a template from a live PostgreSQL source (the template's {@code source}, {@code masking}
 * and {@code refresh} sections; see host-agent/agent/docs/masking.md). {@link #guard} runs the
 * checks that need no dataset (pinned system_identifier, version, rules against the catalog, PII
 * coverage gate, large objects); {@link #populate} fills the build server through
 * {@link RefreshPipeline}.
 */
public class LiveSourcePopulator implements TemplatePopulator {

    private final ProcessRunner runner;
    private final Function<String, String> env;
    private final AgentConfig config;
    private final ToolContainers tools;

    /**
     * @param runner runs host tools (only when a template sets {@code refresh.pgBin})
     * @param tools  runs pg_dump and pg_dumpall in a container of the template's major (the default)
     */
    public LiveSourcePopulator(ProcessRunner runner, Function<String, String> env, AgentConfig config, ToolContainers tools) {
        this.runner = runner;
        this.env = env;
        this.config = config;
        this.tools = tools;
    }

    /** The template's refresh inputs, parsed and validated (config mistakes name their YAML path). */
    public RefreshPipeline.Inputs inputs(TemplateConfig t) {
        try {
            SourceConfig source = SourceConfig.parse(t.source(), t.name());
            MaskingConfig masking = MaskingConfig.parse(t.masking(), "templates." + t.name() + ".masking");
            RefreshOptions options = RefreshOptions.parse(t.refresh(), t.name());
            return new RefreshPipeline.Inputs(t.name(), source, masking, options, t.postgres(), t.upgradeAllowFailures());
        } catch (MaskingConfigException e) {
            throw invalid(e);
        }
    }

    /**
     * Parses the template's config once; the guard learns the source's major (the template's,
     * unless it says {@code postgres:}), and the fill runs pg_dump of that major.
     */
    @Override
    public Build prepare(TemplateConfig t) {
        RefreshPipeline.Inputs in = inputs(t);
        int[] major = {t.major(null)};
        return new Build() {
            @Override
            public void guard() throws Exception {
                try {
                    Object sourceMajor = new RefreshPipeline(runner, env).guard(in).get("major");
                    major[0] = t.major(sourceMajor instanceof Integer m ? m : null);
                } catch (MaskingConfigException e) {
                    throw invalid(e);
                }
            }

            @Override
            public int major() {
                return major[0];
            }

            @Override
            public Map<String, Object> populate(BuildServer server, JobProgress progress) throws Exception {
                String image = config.imageFor(t.name(), major[0]);
                ProcessRunner dumps = in.options().hostTools() ? runner : tools.runner(image, in.source().host());
                try {
                    return new RefreshPipeline(dumps, env).run(in.withTargetMajor(major[0]), new BuildTarget(server, image), progress)
                            .asMap();
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
        Build b = prepare(t);
        b.guard();
        return b.populate(server, progress);
    }

    private static RefreshException invalid(MaskingConfigException e) {
        return new RefreshException(ErrorCode.INVALID_REQUEST, "guard", null, e.getMessage(), e);
    }
}
