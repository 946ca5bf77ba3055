package dev.dolly.agent.template;

import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.RefreshRequest;
import dev.dolly.agent.api.TemplateView;
import java.util.List;

/** Templates, their snapshots and refresh jobs as the API offers them. */
public interface TemplateOperations {
    List<TemplateView> templates();

    JobView refresh(String template, RefreshRequest request);

    JobView job(String jobId);

    JobView cancelJob(String jobId);

    /** Backed by the catalog and the refresh jobs. */
    static TemplateOperations of(TemplateCatalog catalog, RefreshJobs jobs) {
        return new TemplateOperations() {
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
        };
    }
}
