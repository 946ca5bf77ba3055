/**
 * The one process runner: argv in (never a shell string); stdout, exit code, stderr out;
 * failures throw with exit code and stderr.
 */
package dev.dolly.agent.process;
