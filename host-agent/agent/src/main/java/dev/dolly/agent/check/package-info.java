/**
 * Migration check (issue 14): what a schema change would do to production, measured on a full-size clone.
 * {@link dev.dolly.agent.check.StatementSplitter} cuts SQL into statements (PostgreSQL quoting rules),
 * {@link dev.dolly.agent.check.TxPlan} groups them into the transactions the application would run,
 * {@link dev.dolly.agent.check.Linter} applies the static rules ({@link dev.dolly.agent.check.Rules}),
 * {@link dev.dolly.agent.check.FilesRunner} runs files statement by statement with a
 * {@link dev.dolly.agent.check.LockTracker} and a {@link dev.dolly.agent.check.Probe} workload,
 * {@link dev.dolly.agent.check.Observer} watches a migration someone else runs, {@link dev.dolly.agent.check.Verdict}
 * turns figures into pass / warn / fail, and {@link dev.dolly.agent.check.CheckRegistry} keeps checks by id.
 * Reports hold statements, locks, sizes and counts: never a row value.
 */
package dev.dolly.agent.check;
