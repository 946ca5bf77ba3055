package dev.dolly.agent.refresh;

import dev.dolly.agent.config.TemplateConfig;
import dev.dolly.agent.template.BuildServer;
import dev.dolly.agent.template.TemplateBuilds;
import java.util.Map;

/**
 * Fills a template build. {@link TemplateBuilds} makes the dataset and the running build server;
 * a populator puts the data in; {@link TemplateBuilds#finish} snapshots it. Chosen per template
 * by {@link Populators}. A refresh job {@link #prepare prepares} once (the template's config is
 * read once), guards, then populates.
 */
public interface TemplatePopulator {

    /** Runs before any dataset is made; throw (e.g. {@code AgentException} with SOURCE_REFUSED) to refuse the build. */
    default void guard(TemplateConfig template) throws Exception {}

    /**
     * Fills the running build server. Report progress and call {@link JobProgress#checkCancelled()}
     * between steps. Returns details for the job result (row counts, sizes, rules applied…).
     * Throwing discards the build; the previous snapshot keeps serving.
     */
    Map<String, Object> populate(TemplateConfig template, BuildServer server, JobProgress progress) throws Exception;

    /** One build of one template: its config read once, then guarded and populated. */
    interface Build {
        void guard() throws Exception;

        /** The PostgreSQL major the build server (and the template's clones) run; known after {@link #guard}. */
        int major();

        Map<String, Object> populate(BuildServer server, JobProgress progress) throws Exception;
    }

    /** Reads the template's config for one build; a populator that parses its config overrides this to parse it once. */
    default Build prepare(TemplateConfig template) throws Exception {
        return new Build() {
            @Override
            public void guard() throws Exception {
                TemplatePopulator.this.guard(template);
            }

            @Override
            public int major() {
                return template.major(null);
            }

            @Override
            public Map<String, Object> populate(BuildServer server, JobProgress progress) throws Exception {
                return TemplatePopulator.this.populate(template, server, progress);
            }
        };
    }
}
