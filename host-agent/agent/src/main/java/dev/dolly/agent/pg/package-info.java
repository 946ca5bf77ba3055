/**
 * PostgreSQL plumbing: random passwords and client-side SCRAM verifiers, the agent's derived
 * superuser password, JDBC connections and the readiness poll, pg_hba.conf and ownership of PGDATA.
 */
package dev.dolly.agent.pg;
