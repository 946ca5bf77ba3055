/** Who asks: a Slack user's user groups, read through the Web API and cached by the injected clock. */
package dev.dolly.slack.identity;
