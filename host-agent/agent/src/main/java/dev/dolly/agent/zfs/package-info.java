/**
 * The ZFS driver: pure argv builders ({@link dev.dolly.agent.zfs.ZfsCommands}, the zfs-fuse 0.7 ∩
 * OpenZFS 2.x subset) run through the process runner, output parsed, failures classified, busy
 * datasets retried.
 */
package dev.dolly.agent.zfs;
