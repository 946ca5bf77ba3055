/**
 * The clone lifecycle: create (idempotent by id), reset and savepoints, password rotation,
 * metadata, destroy; per-clone serialization; activity sampling.
 */
package dev.dolly.agent.clone;
