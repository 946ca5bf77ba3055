package dev.dolly.agent.template;

import dev.dolly.agent.config.TemplateConfig;
import java.util.Map;

/**
 * Fills a template build. {@link TemplateBuilds} makes the dataset and the running build server;
 * a populator puts the data in; {@link TemplateBuilds#finish} snapshots it. Chosen per template
 * by {@link Populators}.
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
}
