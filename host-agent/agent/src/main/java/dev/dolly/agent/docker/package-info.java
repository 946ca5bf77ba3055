/**
 * Containers over the one docker-java client: create/start/stop/remove by labels, inspection,
 * log tails, and PostgreSQL servers in containers (command line, readiness wait, in-place restart
 * supervisor, failure diagnosis).
 */
package dev.dolly.agent.docker;
