/**
 * Start-up reconciliation of the pool and the docker engine: there is no state file to trust.
 */
package dev.dolly.agent.reconcile;
