package dev.dolly.agent.template;

import dev.dolly.agent.api.JobView;
import dev.dolly.agent.api.RefreshRequest;
import dev.dolly.agent.api.TemplateView;
import java.util.List;

/** Templates, their snapshots and refresh jobs as the API offers them (backed by {@code refresh.RefreshingTemplates}). */
public interface TemplateOperations {
    List<TemplateView> templates();

    JobView refresh(String template, RefreshRequest request);

    JobView job(String jobId);

    JobView cancelJob(String jobId);
}
