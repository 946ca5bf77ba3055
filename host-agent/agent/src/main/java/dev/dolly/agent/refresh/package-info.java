/**
 * Refresh from a live PostgreSQL source into a template build: the guard (pinned
 * system_identifier, version, rules bound to the catalog, PII coverage gate), roles without
 * passwords, pre-data, parallel masked COPY streams in one exported snapshot, post-data in
 * parallel waves, sequences and ANALYZE ({@link dev.dolly.agent.refresh.RefreshPipeline});
 * {@link dev.dolly.agent.refresh.LiveSourcePopulator} plugs it into the template build path.
 * pg_dump/pg_dumpall run through the agent's ProcessRunner with output in memory; unmasked rows
 * never leave memory. See host-agent/agent/docs/masking.md.
 */
package dev.dolly.agent.refresh;
