package dev.dolly.agent.refresh;

import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.RefreshRequest;
import dev.dolly.agent.api.TemplateView;
import dev.dolly.agent.template.TemplateCatalog;
import dev.dolly.agent.template.TemplateOperations;
import java.util.List;

/** The API's template operations: listings from the catalog, refreshes through the refresh jobs. */
public record RefreshingTemplates(TemplateCatalog catalog, RefreshJobs jobs) implements TemplateOperations {

    @Override
    public List<TemplateView> templates() {
        return catalog.templates();
    }

    @Override
    public JobView refresh(String template, RefreshRequest request) {
        return jobs.start(template, request);
    }

    @Override
    public JobView job(String jobId) {
        return jobs.get(jobId);
    }

    @Override
    public JobView cancelJob(String jobId) {
        return jobs.cancel(jobId);
    }
}
