/**
 * {@code ./dolly bench clones}: clone lifecycle timings against CREATE DATABASE … TEMPLATE and
 * pg_dump | pg_restore, and the cost of idle clones.
 */
package dev.dolly.agent.bench;
