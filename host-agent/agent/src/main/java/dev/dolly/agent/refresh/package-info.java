/**
 * Refresh jobs: filling a template build and making it the next snapshot.
 * {@link dev.dolly.agent.refresh.RefreshJobs} runs one build per template on its own thread with
 * {@link dev.dolly.agent.refresh.JobProgress}; the {@link dev.dolly.agent.refresh.TemplatePopulator}
 * chosen by {@link dev.dolly.agent.refresh.Populators} (wired by {@code Agent.populators}) fills it:
 * {@link dev.dolly.agent.refresh.SeedPopulator} from SQL files, or
 * {@link dev.dolly.agent.refresh.LiveSourcePopulator} from a live PostgreSQL source through
 * {@link dev.dolly.agent.refresh.RefreshPipeline}: the guard (pinned system_identifier, version,
 * rules bound to the catalog, PII coverage gate), roles without passwords, pre-data, parallel
 * masked COPY streams in one exported snapshot, post-data in parallel waves, sequences and
 * ANALYZE, answering a {@link dev.dolly.agent.refresh.RefreshResult}. pg_dump/pg_dumpall run
 * through the agent's ProcessRunner with output in memory; unmasked rows never leave memory.
 * See host-agent/agent/docs/masking.md.
 */
package dev.dolly.agent.refresh;
