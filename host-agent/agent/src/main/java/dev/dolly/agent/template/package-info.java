/**
 * Templates and their snapshots: the catalog (listing, current pointer, retention) and the one
 * build path ({@link dev.dolly.agent.template.TemplateBuilds}: dataset, initdb, non-durable build
 * server, snapshot, promote). What fills a build, and the jobs that run builds, live in
 * {@code refresh}, which depends on this package and never the other way round.
 */
package dev.dolly.agent.template;
