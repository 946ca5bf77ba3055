/**
 * Local-stack helpers that stand in for services that cannot run on one machine: a Slack Web API
 * stand-in that answers the bot's calls and records what the bot sent (including what it posted to
 * {@code response_url}s), so the Slack path can be driven and checked without a workspace.
 * Enabled with {@code dolly.slack-stand-in.enabled=true}; never on Lambda.
 */
package dev.dolly.functions.local;
