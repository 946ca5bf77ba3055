/**
 * The Dolly host agent: runs on a ZFS box and serves thin clones of template snapshots, each as
 * its own PostgreSQL container, through a signed, versioned JSON API. Its only state is the
 * pool (ZFS user properties) and docker labels; on start it reconciles the two.
 *
 * <p>Packages: {@code process} (the one process runner), {@code zfs} (argv builders and
 * driver), {@code docker} (the one docker-java client, containers, PostgreSQL servers),
 * {@code pg} (passwords, JDBC, readiness), {@code ports}, {@code template} (catalog, build path,
 * populators, refresh jobs), {@code clone} (clone lifecycle), {@code reconcile}, {@code http},
 * {@code metrics}; {@code refresh} and {@code masking} hold the live-source refresh.
 */
package dev.dolly.agent;
