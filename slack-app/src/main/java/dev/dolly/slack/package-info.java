/**
 * Dolly's Slack front (Bolt for Java). {@link dev.dolly.slack.SlackFront} verifies and parses Slack's requests
 * (the {@code /dolly} slash command, buttons, the Extend modal, App Home), acks within Slack's 3 seconds, hands
 * the work off through a {@link dev.dolly.slack.SlackWorkDispatcher}, turns it into commands of the control plane's
 * command model through {@link dev.dolly.control.api.CommandPort}, and answers with Block Kit through
 * {@code response_url} or {@code views.publish}. It also implements the control plane's
 * {@link dev.dolly.control.api.Notifier}. It knows nothing of DynamoDB or the host agent.
 */
package dev.dolly.slack;
