/**
 * Dolly's control plane: Spring Cloud Function beans ({@code ciWebhook}, {@code slackEvents},
 * {@code scheduledRefresh}, {@code reaper}, {@code agentCallback}) that authorize every command in one
 * place, keep clone state in DynamoDB with conditional writes, place clones on host agents and
 * forward to them through signed, resilient HTTP calls. Runs on AWS Lambda ({@code FunctionInvoker})
 * or locally as an HTTP server with DynamoDB Local embedded.
 */
package dev.dolly.functions;
