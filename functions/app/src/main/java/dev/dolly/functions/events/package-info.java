/**
 * Event webhooks out: what happened to clones, refreshes, quotas and pools ({@link dev.dolly.functions.events.EventType}),
 * published by the services through {@link dev.dolly.functions.events.Events} and delivered off the command path to the
 * configured endpoints ({@code events.webhooks} in dolly.yaml), signed like the CI webhook, retried with exponential
 * backoff and recorded in DynamoDB ({@link dev.dolly.functions.events.WebhookDeliveries}).
 */
package dev.dolly.functions.events;
