/**
 * Templates and their snapshots: the catalog (listing, current pointer, retention), the one
 * build path ({@link dev.dolly.agent.template.TemplateBuilds}: dataset, initdb, non-durable build
 * server, snapshot, promote), populators (seed SQL here; live-source refresh in {@code refresh})
 * chosen by {@link dev.dolly.agent.template.Populators}, and refresh jobs with progress.
 */
package dev.dolly.agent.template;
