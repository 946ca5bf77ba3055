/**
 * Local-stack helpers that stand in for services that cannot run on one machine: a Slack Web API
 * stand-in that answers the bot's calls and records what the bot sent (including what it posted to
 * {@code response_url}s), so the Slack path can be driven and checked without a workspace
 * (enabled with {@code dolly.slack-stand-in.enabled=true}); the admin secret of the local triggers; and the
 * timer that runs the local sweeps (heartbeats, reaper, refresh schedules) that EventBridge runs on AWS.
 * Never on Lambda.
 */
package dev.dolly.functions.local;
